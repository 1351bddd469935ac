import '../home.css';
import { offline } from '../../../api/connectivity';
import type { RoleName } from '../../../api/types';
import { KIND_LABEL, ROLE_LABEL, t as tc } from '../../../i18n/common';
import { Badge } from '../../../ui/feedback';
import { Icon, type IconName } from '../../../ui/icons';
import { formatPhone } from '../../../ui/labels';
import { Page } from '../../../ui/Page';
import type { Capabilities } from '../../session/capabilities';
import { DutyCard } from '../../attendance/components/DutyCard';
import { capabilities, me, sessionStale } from '../../session/state';
import { PushCard } from '../../notifications/components/PushCard';
import { InstallCard } from '../components/InstallCard';
import { PendingCount } from '../components/PendingCount';
import { t } from '../i18n';

const ROLE_ORDER: RoleName[] = ['admin', 'officer', 'coordinator', 'member'];

type TileKey = Parameters<typeof t>[0];
interface TileSpec {
  href: string;
  label: TileKey;
  icon: IconName;
  testid: string;
  shown: (can: Capabilities) => boolean;
}

// Which tiles a person sees follows what the server says they may do (/me capabilities).
const TILES: TileSpec[] = [
  { href: '/shifts', label: 'tile.shifts', icon: 'shifts', testid: 'tile-shifts', shown: (can) => can.take_shifts },
  { href: '/shifts/open', label: 'tile.openShifts', icon: 'openShifts', testid: 'tile-open-shifts', shown: (can) => can.take_shifts },
  { href: '/hours', label: 'tile.hours', icon: 'hours', testid: 'tile-hours', shown: (can) => can.take_shifts },
  { href: '/board', label: 'tile.board', icon: 'board', testid: 'tile-board', shown: (can) => can.plan_shifts },
  { href: '/on-duty', label: 'tile.onDuty', icon: 'onDuty', testid: 'tile-on-duty', shown: (can) => can.plan_shifts || can.read_audit },
  { href: '/hours?members=1', label: 'tile.unitHours', icon: 'hours', testid: 'tile-unit-hours', shown: (can) => can.plan_shifts || can.read_audit },
  { href: '/alerts/new', label: 'tile.sendAlert', icon: 'sendAlert', testid: 'tile-send-alert', shown: (can) => can.send_alert },
  { href: '/alerts/sent', label: 'tile.sentAlerts', icon: 'sentAlerts', testid: 'tile-sent-alerts', shown: (can) => can.send_alert },
  { href: '/reports/mine', label: 'tile.myReports', icon: 'myReports', testid: 'tile-my-reports', shown: (can) => can.report_hazard },
  { href: '/reports/queue', label: 'tile.reportQueue', icon: 'queue', testid: 'tile-report-queue', shown: (can) => can.triage_reports },
  { href: '/reports/queue', label: 'tile.handlerQueue', icon: 'queue', testid: 'tile-handler-queue', shown: (can) => can.handle_reports && !can.triage_reports },
  { href: '/reports/map', label: 'tile.reportMap', icon: 'onDuty', testid: 'tile-report-map', shown: (can) => can.triage_reports },
  { href: '/notifications', label: 'tile.inbox', icon: 'inbox', testid: 'tile-inbox', shown: () => true },
  { href: '/approvals', label: 'tile.approvals', icon: 'approvals', testid: 'tile-approvals', shown: (can) => can.approve_members },
  { href: '/invites', label: 'tile.invites', icon: 'invites', testid: 'tile-invites', shown: (can) => can.manage_invites },
  { href: '/teams', label: 'tile.teams', icon: 'teams', testid: 'tile-teams', shown: (can) => can.see_rosters },
  { href: '/admin/units', label: 'tile.units', icon: 'units', testid: 'tile-units', shown: (can) => can.administer_units },
  { href: '/admin/teams', label: 'tile.adminTeams', icon: 'adminTeams', testid: 'tile-admin-teams', shown: (can) => can.administer_units },
  { href: '/admin/areas', label: 'tile.areas', icon: 'areas', testid: 'tile-areas', shown: (can) => can.administer_units },
  { href: '/reports/departments', label: 'tile.departments', icon: 'departments', testid: 'tile-departments', shown: (can) => can.manage_departments },
  { href: '/reports/categories', label: 'tile.categories', icon: 'categories', testid: 'tile-categories', shown: (can) => can.manage_departments },
  { href: '/audit', label: 'tile.audit', icon: 'audit', testid: 'tile-audit', shown: (can) => can.read_audit },
  { href: '/settings', label: 'tile.settings', icon: 'settings', testid: 'tile-settings', shown: () => true },
];

export default function Home() {
  const account = me.value;
  const can = capabilities.value;
  if (!account) return null;
  const roles = [...account.roles].sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role));
  return (
    <Page title={t('home.hello', { name: account.display_name })} testid="home-page">
      {can.report_hazard && (
        // The one big button of the hazard journey: from here, a report with two photos is a few taps.
        <a href="/reports/new" class="report-cta" data-testid="home-report">
          <Icon name="report" size={32} />
          <span>{t('home.report')}</span>
        </a>
      )}
      {can.take_shifts && <DutyCard />}
      <div class="card who" data-testid="home-me">
        <p class="who-phone nowrap" data-testid="home-phone">
          {formatPhone(account.phone)}
        </p>
        {roles.length > 0 && (
          <ul class="role-list" data-testid="home-roles" aria-label={t('home.roles')}>
            {roles.map((grant) => (
              <li key={grant.id}>
                <Badge kind="info">{tc(ROLE_LABEL[grant.role])}</Badge>{' '}
                <span>
                  {grant.unit.name}
                  <span class="muted"> · {tc(KIND_LABEL[grant.unit.kind])}</span>
                </span>
              </li>
            ))}
          </ul>
        )}
        {sessionStale.value && offline.value && (
          <p class="muted small" data-testid="home-last-known">
            {t('home.lastKnown')}
          </p>
        )}
      </div>

      <InstallCard />
      <PushCard />
      {can.approve_members && !offline.value && <PendingCount />}

      <nav class="tiles" aria-label={t('home.tools')}>
        {TILES.filter((tile) => tile.shown(can)).map((tile) => (
          <a key={tile.href} href={tile.href} class="tile" data-testid={tile.testid}>
            <span class="tile-icon" aria-hidden="true">
              <Icon name={tile.icon} size={26} />
            </span>
            <span>{t(tile.label)}</span>
          </a>
        ))}
      </nav>

      <h2>{t('home.teams')}</h2>
      {account.teams.length === 0 ? (
        <p class="muted">{t('home.noTeams')}</p>
      ) : (
        <ul class="list" data-testid="home-teams">
          {account.teams.map((team) => (
            <li key={team.id} class="list-item">
              <div class="grow">
                <p class="item-title">
                  {team.name} {team.is_leader && <Badge kind="ok">{t('home.leader')}</Badge>}
                </p>
                <p class="muted">
                  {team.unit.name} · {tc(KIND_LABEL[team.unit.kind])}
                </p>
              </div>
              {(team.is_leader || can.list_accounts) && (
                <a href={`/teams/${team.id}`} class="btn btn-secondary btn-small" data-testid={`home-roster-${team.id}`}>
                  {t('home.roster')}
                </a>
              )}
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}
