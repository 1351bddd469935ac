import { useState } from 'preact/hooks';
import { offlineStore, type Me, type RoleName } from '../api';
import { t, type MsgKey } from '../i18n';
import { Link, navigate } from '../router';
import { canSeeRosters, isAdmin, isCoordinator, loadMe, logout, sessionStore } from '../session';
import { useStore } from '../store';
import { ActionButton, Badge, ErrorBox, Page } from '../ui';

const ROLE_ORDER: RoleName[] = ['admin', 'officer', 'coordinator', 'member'];

function Tile(props: { href: string; label: string; icon: string; testid: string }) {
  return (
    <Link href={props.href} class="tile" data-testid={props.testid}>
      <span class="tile-icon" aria-hidden="true">
        {props.icon}
      </span>
      <span>{props.label}</span>
    </Link>
  );
}

function tiles(me: Me) {
  const out: { href: string; key: MsgKey; icon: string; testid: string }[] = [];
  if (isCoordinator(me)) {
    out.push({ href: '/approvals', key: 'tile.approvals', icon: '✓', testid: 'tile-approvals' });
    out.push({ href: '/invites', key: 'tile.invites', icon: '＋', testid: 'tile-invites' });
  }
  if (canSeeRosters(me)) out.push({ href: '/teams', key: 'tile.teams', icon: '☰', testid: 'tile-teams' });
  if (isAdmin(me)) {
    out.push({ href: '/admin/units', key: 'tile.units', icon: '▦', testid: 'tile-units' });
    out.push({ href: '/admin/teams', key: 'tile.adminTeams', icon: '⚑', testid: 'tile-admin-teams' });
    out.push({ href: '/admin/areas', key: 'tile.areas', icon: '⬠', testid: 'tile-areas' });
  }
  out.push({ href: '/settings', key: 'tile.settings', icon: '⚙', testid: 'tile-settings' });
  return out;
}

export function Home() {
  const { me, stale } = useStore(sessionStore);
  if (!me) return null;
  const roles = [...me.roles].sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role));
  return (
    <Page title={t('home.hello', { name: me.display_name })} testid="home-page">
      <div class="card who" data-testid="home-me">
        <p class="who-name" data-testid="home-name">
          {me.display_name}
        </p>
        <p class="who-phone" data-testid="home-phone">
          {me.phone}
        </p>
        {stale && <p class="muted small">{t('home.lastKnown')}</p>}
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

      <h2>{t('home.roles')}</h2>
      {roles.length === 0 ? (
        <p class="muted">{t('home.noRoles')}</p>
      ) : (
        <ul class="list" data-testid="home-roles">
          {roles.map((r) => (
            <li key={r.id} class="list-item">
              <div class="grow">
                <p class="item-title">{t(`role.${r.role}` as MsgKey)}</p>
                <p class="muted">
                  {r.unit.name} · {t(`kind.${r.unit.kind}` as MsgKey)}
                </p>
              </div>
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}

function SignOutButton() {
  return (
    <ActionButton
      class="btn btn-secondary btn-block"
      testid="signout"
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
        <div class="big-icon" aria-hidden="true">
          ⏳
        </div>
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
