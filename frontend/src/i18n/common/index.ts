import { defineCatalog } from '..';
import { teamLabel } from '../../ui/labels';
import type { UnitKind, RoleName, UserStatus } from '../../api/types';

export const common = defineCatalog({
  'zh-CN': () => import('./zh-CN'),
  en: () => import('./en'),
});

/** Common texts: app name, navigation, buttons, roles, unit kinds, account states. */
export const t = common.t;

export const ROLE_LABEL = {
  member: 'role.member',
  coordinator: 'role.coordinator',
  officer: 'role.officer',
  admin: 'role.admin',
  handler: 'role.handler',
} as const satisfies Record<RoleName, Parameters<typeof t>[0]>;

export const KIND_LABEL = {
  district: 'kind.district',
  street: 'kind.street',
  community: 'kind.community',
} as const satisfies Record<UnitKind, Parameters<typeof t>[0]>;

export const STATUS_LABEL = {
  pending: 'status.pending',
  active: 'status.active',
  rejected: 'status.rejected',
  deactivated: 'status.deactivated',
} as const satisfies Record<UserStatus, Parameters<typeof t>[0]>;

/** A team with its community, unless the team's name already says it. */
export function teamUnit(team: { name: string }, unit: { name: string }): string {
  return teamLabel(team, unit, (teamName, unitName) => t('fmt.teamUnit', { team: teamName, unit: unitName }));
}
