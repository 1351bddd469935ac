import type { RoleName, Schemas } from '../../../api/types';
import { KIND_LABEL, ROLE_LABEL, t as tc, teamUnit } from '../../../i18n/common';
import { SelectField, Toggle } from '../../../ui/fields';
import type { Audience } from '../api';
import { t } from '../i18n';

export type AudienceKind = Audience['kind'];

/** What the picker holds while being filled in; `audienceOf` turns it into the API's shape once complete. */
export interface AudienceDraft {
  kind: AudienceKind;
  unitId: string;
  teamIds: number[];
  roles: RoleName[];
  areaId: string;
}

export interface AudienceChoices {
  units: Schemas['Unit'][];
  teams: Schemas['TeamView'][];
  areas: Schemas['Area'][];
}

const KINDS: AudienceKind[] = ['unit', 'on_duty', 'teams', 'roles', 'area', 'area_today'];
const KIND_TEXT = {
  unit: 'audience.unit',
  on_duty: 'audience.on_duty',
  teams: 'audience.teams',
  roles: 'audience.roles',
  area: 'audience.area',
  area_today: 'audience.area_today',
} as const satisfies Record<AudienceKind, string>;
const ROLES: RoleName[] = ['member', 'coordinator', 'officer', 'admin'];

/** The audience as POST /alerts wants it, or null while something is missing. */
export function audienceOf(draft: AudienceDraft): Audience | null {
  switch (draft.kind) {
    case 'unit':
    case 'on_duty':
      return draft.unitId ? { kind: draft.kind, unit_id: Number(draft.unitId) } : null;
    case 'teams':
      return draft.teamIds.length ? { kind: 'teams', team_ids: draft.teamIds } : null;
    case 'roles':
      return draft.unitId && draft.roles.length ? { kind: 'roles', unit_id: Number(draft.unitId), roles: draft.roles } : null;
    case 'area':
    case 'area_today':
      return draft.areaId ? { kind: draft.kind, area_id: Number(draft.areaId) } : null;
  }
}

const unitLabel = (unit: Schemas['Unit']) => tc('fmt.teamUnit', { team: unit.name, unit: tc(KIND_LABEL[unit.kind]) });

/**
 * Who an alert goes to: everyone in a unit's subtree or those on duty there now, some teams,
 * some roles in a unit, a patrol area's members or those on a shift there today.
 */
export function AudiencePicker(props: { value: AudienceDraft; onChange: (draft: AudienceDraft) => void; choices: AudienceChoices; error?: string }) {
  const { value, choices } = props;
  const set = (patch: Partial<AudienceDraft>) => props.onChange({ ...value, ...patch });
  const unitSelect = (
    <SelectField
      label={t('compose.unit')}
      value={value.unitId}
      onValue={(unitId) => set({ unitId })}
      placeholder={t('compose.pickUnit')}
      options={choices.units.map((unit) => ({ value: String(unit.id), label: unitLabel(unit) }))}
      testid="audience-unit"
    />
  );
  return (
    <fieldset class="card audience" data-testid="audience">
      <legend>{t('compose.audience')}</legend>
      <SelectField
        label={t('compose.audienceKind')}
        value={value.kind}
        onValue={(kind) => set({ kind: KINDS.find((k) => k === kind) ?? 'unit' })}
        options={KINDS.map((kind) => ({ value: kind, label: t(KIND_TEXT[kind]) }))}
        testid="audience-kind"
      />
      {(value.kind === 'unit' || value.kind === 'on_duty') && unitSelect}
      {value.kind === 'teams' && (
        <fieldset class="checks" data-testid="audience-teams">
          <legend>{t('compose.teams')}</legend>
          {choices.teams.map((team) => (
            <Toggle
              key={team.id}
              label={teamUnit(team, team.unit)}
              checked={value.teamIds.includes(team.id)}
              onChange={(on) => set({ teamIds: on ? [...value.teamIds, team.id] : value.teamIds.filter((id) => id !== team.id) })}
              testid={`audience-team-${team.id}`}
            />
          ))}
        </fieldset>
      )}
      {value.kind === 'roles' && (
        <>
          {unitSelect}
          <fieldset class="checks" data-testid="audience-roles">
            <legend>{t('compose.roles')}</legend>
            {ROLES.map((role) => (
              <Toggle
                key={role}
                label={tc(ROLE_LABEL[role])}
                checked={value.roles.includes(role)}
                onChange={(on) => set({ roles: on ? [...value.roles, role] : value.roles.filter((r) => r !== role) })}
                testid={`audience-role-${role}`}
              />
            ))}
          </fieldset>
        </>
      )}
      {(value.kind === 'area' || value.kind === 'area_today') && (
        <SelectField
          label={t('compose.area')}
          value={value.areaId}
          onValue={(areaId) => set({ areaId })}
          placeholder={t('compose.pickArea')}
          options={choices.areas.map((area) => ({ value: String(area.id), label: area.name }))}
          testid="audience-area"
        />
      )}
      {props.error && (
        <p class="field-error" data-testid="audience-error">
          {props.error}
        </p>
      )}
    </fieldset>
  );
}
