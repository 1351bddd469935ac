import { useState } from 'preact/hooks';
import { fmtPhone, offlineStore, type Me, type RoleName } from '../api';
import { t, type MsgKey } from '../i18n';
import { Link, navigate } from '../router';
import { canSeeRosters, isAdmin, isCoordinator, loadMe, logout, sessionStore } from '../session';
import { useStore } from '../store';
import { ActionButton, Badge, ErrorBox, Page } from '../ui';

const ROLE_ORDER: RoleName[] = ['admin', 'officer', 'coordinator', 'member'];

// 24x24 outline icons (Material Symbols shapes, simplified) — no icon font, no emoji.
const ICONS: Record<string, string> = {
  approvals: 'M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4z',
  invites: 'M15 12a4 4 0 1 0-4-4 4 4 0 0 0 4 4zm-9-2V7H4v3H1v2h3v3h2v-3h3v-2zm9 4c-2.7 0-8 1.3-8 4v2h16v-2c0-2.7-5.3-4-8-4z',
  teams: 'M16 11a3 3 0 1 0-3-3 3 3 0 0 0 3 3zm-8 0a3 3 0 1 0-3-3 3 3 0 0 0 3 3zm0 2c-2.3 0-7 1.2-7 3.5V19h14v-2.5C15 14.2 10.3 13 8 13zm8 0h-1a4.2 4.2 0 0 1 2 3.5V19h6v-2.5c0-2.3-4.7-3.5-7-3.5z',
  units: 'M12 7V3H2v18h20V7zM6 19H4v-2h2zm0-4H4v-2h2zm0-4H4V9h2zm0-4H4V5h2zm4 12H8v-2h2zm0-4H8v-2h2zm0-4H8V9h2zm0-4H8V5h2zm10 12h-8v-2h2v-2h-2v-2h2v-2h-2V9h8zm-2-8h-2v2h2zm0 4h-2v2h2z',
  adminTeams: 'M14.4 6 14 4H5v17h2v-7h5.6l.4 2h7V6z',
  areas: 'M20.5 3l-.2.1L15 5.1 9 3 3.4 4.9c-.2.1-.4.3-.4.5V20.5c0 .3.2.5.5.5l.2-.1L9 18.9l6 2.1 5.6-1.9c.2-.1.4-.3.4-.5V3.5c0-.3-.2-.5-.5-.5zM15 19l-6-2.1V5l6 2.1z',
  settings:
    'M19.4 13a7.5 7.5 0 0 0 0-2l2.1-1.6-2-3.5-2.5 1a7.6 7.6 0 0 0-1.7-1L15 3h-4l-.4 2.9a7.6 7.6 0 0 0-1.7 1l-2.5-1-2 3.5L6.6 11a7.5 7.5 0 0 0 0 2l-2.1 1.6 2 3.5 2.5-1a7.6 7.6 0 0 0 1.7 1L11 21h4l.4-2.9a7.6 7.6 0 0 0 1.7-1l2.5 1 2-3.5zM13 15.5a3.5 3.5 0 1 1 0-7 3.5 3.5 0 0 1 0 7z',
};

function Tile(props: { href: string; label: string; icon: string; testid: string }) {
  return (
    <Link href={props.href} class="tile" data-testid={props.testid}>
      <span class="tile-icon" aria-hidden="true">
        <svg viewBox="0 0 24 24" width="26" height="26">
          <path fill="currentColor" d={ICONS[props.icon]} />
        </svg>
      </span>
      <span>{props.label}</span>
    </Link>
  );
}

function tiles(me: Me) {
  const out: { href: string; key: MsgKey; icon: string; testid: string }[] = [];
  if (isCoordinator(me)) {
    out.push({ href: '/approvals', key: 'tile.approvals', icon: 'approvals', testid: 'tile-approvals' });
    out.push({ href: '/invites', key: 'tile.invites', icon: 'invites', testid: 'tile-invites' });
  }
  if (canSeeRosters(me)) out.push({ href: '/teams', key: 'tile.teams', icon: 'teams', testid: 'tile-teams' });
  if (isAdmin(me)) {
    out.push({ href: '/admin/units', key: 'tile.units', icon: 'units', testid: 'tile-units' });
    out.push({ href: '/admin/teams', key: 'tile.adminTeams', icon: 'adminTeams', testid: 'tile-admin-teams' });
    out.push({ href: '/admin/areas', key: 'tile.areas', icon: 'areas', testid: 'tile-areas' });
  }
  out.push({ href: '/settings', key: 'tile.settings', icon: 'settings', testid: 'tile-settings' });
  return out;
}

export function Home() {
  const { me, stale } = useStore(sessionStore);
  const offline = useStore(offlineStore);
  if (!me) return null;
  const roles = [...me.roles].sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role));
  return (
    <Page title={t('home.hello', { name: me.display_name })} testid="home-page">
      <div class="card who" data-testid="home-me">
        <p class="who-phone nowrap" data-testid="home-phone">
          {fmtPhone(me.phone)}
        </p>
        {roles.length > 0 && (
          <ul class="role-list" data-testid="home-roles" aria-label={t('home.roles')}>
            {roles.map((r) => (
              <li key={r.id}>
                <Badge kind="info">{t(`role.${r.role}` as MsgKey)}</Badge>{' '}
                <span>
                  {r.unit.name}
                  <span class="muted"> · {t(`kind.${r.unit.kind}` as MsgKey)}</span>
                </span>
              </li>
            ))}
          </ul>
        )}
        {stale && offline && <p class="muted small">{t('home.lastKnown')}</p>}
      </div>

      <nav class="tiles" aria-label={t('home.tools')}>
        {tiles(me).map((x) => (
          <Tile key={x.href} href={x.href} label={t(x.key)} icon={x.icon} testid={x.testid} />
        ))}
      </nav>

      <h2>{t('home.teams')}</h2>
      {me.teams.length === 0 ? (
        <p class="muted">{t('home.noTeams')}</p>
      ) : (
        <ul class="list" data-testid="home-teams">
          {me.teams.map((tm) => (
            <li key={tm.id} class="list-item">
              <div class="grow">
                <p class="item-title">
                  {tm.name} {tm.is_leader && <Badge kind="ok">{t('home.leader')}</Badge>}
                </p>
                <p class="muted">
                  {tm.unit.name} · {t(`kind.${tm.unit.kind}` as MsgKey)}
                </p>
              </div>
              {canSeeRosters(me) && (
                <Link href={`/teams/${tm.id}`} class="btn btn-secondary btn-small">
                  {t('roster.title')}
                </Link>
              )}
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}

export function SignOutButton({ class: cls = 'btn btn-secondary btn-block', testid = 'signout' }: { class?: string; testid?: string }) {
  return (
    <ActionButton
      class={cls}
      testid={testid}
      onClick={() => logout().then(() => navigate('/login', true), () => undefined)}
    >
      {t('settings.signOut')}
    </ActionButton>
  );
}

export function Pending() {
  const { me } = useStore(sessionStore);
  const offline = useStore(offlineStore);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [still, setStill] = useState(false);
  if (!me) return null;
  const refresh = async () => {
    setBusy(true);
    setError(null);
    setStill(false);
    try {
      const fresh = await loadMe();
      if (fresh?.status === 'pending') setStill(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Page title={t('pending.title')} testid="pending-page">
      <div class="card pending-card">
        <svg class="big-icon" viewBox="0 0 24 24" width="64" height="64" aria-hidden="true">
          <path
            fill="currentColor"
            d="M12 2a10 10 0 1 0 10 10A10 10 0 0 0 12 2zm0 18a8 8 0 1 1 8-8 8 8 0 0 1-8 8zm.5-13H11v6l5.2 3.2.8-1.3-4.5-2.7z"
          />
        </svg>
        <p class="lead">{t('pending.body', { name: me.display_name })}</p>
        {me.teams.length > 0 && (
          <p>
            {t('pending.teams')}
            {t('fmt.colon')}
            <strong data-testid="pending-team">
              {me.teams.map((tm) => t('fmt.teamUnit', { team: tm.name, unit: tm.unit.name })).join(t('fmt.listSep'))}
            </strong>
          </p>
        )}
      </div>
      <ErrorBox error={error} />
      {still && (
        <p class="alert alert-info" role="status" data-testid="pending-still">
          {t('pending.still')}
        </p>
      )}
      <div class="btn-col">
        <ActionButton class="btn btn-primary btn-block" onClick={refresh} busy={busy} testid="pending-refresh">
          {t('pending.refresh')}
        </ActionButton>
        {offline && <p class="needs-net">{t('offline.needsLong')}</p>}
        <SignOutButton />
      </div>
    </Page>
  );
}

export function Blocked() {
  const { me } = useStore(sessionStore);
  if (!me) return null;
  return (
    <Page title={t('blocked.title')} testid="blocked-page">
      <div class="alert alert-error" role="alert">
        <p>{me.status === 'rejected' ? t('blocked.rejected') : t('blocked.deactivated')}</p>
      </div>
      <SignOutButton />
    </Page>
  );
}

export function NotFound() {
  return (
    <Page title={t('notFound.title')} testid="not-found">
      <Link href="/" class="btn btn-primary btn-block">
        {t('notFound.home')}
      </Link>
    </Page>
  );
}
