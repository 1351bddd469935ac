import type { ComponentType } from 'preact';
import { offlineStore } from './api';
import { t, useLocale } from './i18n';
import { Link, match, navigate, usePath } from './router';
import { canSeeRosters, changeLocale, isAdmin, isCoordinator, sessionStore } from './session';
import { useStore } from './store';
import { lazy, Loading, Page } from './ui';
import { Blocked, Home, NotFound, Pending } from './pages/home';
import { Join, Login, Reset } from './pages/auth';
import { Settings } from './pages/settings';
import type { Me } from './api';

// Coordinator and admin screens load on demand; members never download them.
const coord = () => import('./pages/coord');
const admin = () => import('./pages/admin');
const Invites = lazy(() => coord().then((m) => m.Invites));
const Approvals = lazy(() => coord().then((m) => m.Approvals));
const TeamList = lazy(() => coord().then((m) => m.TeamList));
const Roster = lazy<{ id: string }>(() => coord().then((m) => m.Roster));
const AdminUnits = lazy(() => admin().then((m) => m.AdminUnits));
const AdminTeams = lazy(() => admin().then((m) => m.AdminTeams));
const AdminAreas = lazy(() => admin().then((m) => m.AdminAreas));

type Guard = 'public' | 'user' | 'coordinator' | 'admin' | 'rosters';
interface Route {
  path: string;
  guard: Guard;
  component: ComponentType<any>;
}

const PAGES: Record<Guard, Record<string, ComponentType<any>>> = {
  public: { '/login': Login, '/join/:token': Join, '/reset/:token': Reset },
  user: { '/': Home, '/settings': Settings },
  coordinator: { '/invites': Invites, '/approvals': Approvals },
  rosters: { '/teams': TeamList, '/teams/:id': Roster },
  admin: { '/admin/units': AdminUnits, '/admin/teams': AdminTeams, '/admin/areas': AdminAreas },
};
const routes: Route[] = Object.entries(PAGES).flatMap(([guard, pages]) =>
  Object.entries(pages).map(([path, component]) => ({ path, guard: guard as Guard, component })),
);

function allowed(guard: Guard, me: Me): boolean {
  if (guard === 'coordinator') return isCoordinator(me);
  if (guard === 'admin') return isAdmin(me);
  if (guard === 'rosters') return canSeeRosters(me);
  return true;
}

function Header() {
  const locale = useLocale();
  const { me } = useStore(sessionStore);
  const other = locale === 'zh-CN' ? 'en' : 'zh-CN';
  return (
    <header class="topbar">
      <Link href="/" class="brand" aria-label={t('nav.home')}>
        <img src="/favicon.svg" alt="" width={32} height={32} />
        <span>{t('app.name')}</span>
      </Link>
      <nav class="topnav" aria-label={t('nav.main')}>
        <button
          type="button"
          class="topbtn"
          lang={other}
          data-testid="lang-toggle"
          onClick={() => changeLocale(other)}
        >
          {other === 'en' ? 'English' : '中文'}
        </button>
        {me && (
          <Link href="/settings" class="topbtn" data-testid="nav-settings" aria-label={t('nav.settings')}>
            <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true">
              <path
                fill="currentColor"
                d="M19.4 13a7.5 7.5 0 0 0 0-2l2.1-1.6-2-3.5-2.5 1a7.6 7.6 0 0 0-1.7-1L15 3h-4l-.4 2.9a7.6 7.6 0 0 0-1.7 1l-2.5-1-2 3.5L6.6 11a7.5 7.5 0 0 0 0 2l-2.1 1.6 2 3.5 2.5-1a7.6 7.6 0 0 0 1.7 1L11 21h4l.4-2.9a7.6 7.6 0 0 0 1.7-1l2.5 1 2-3.5zM13 15.5a3.5 3.5 0 1 1 0-7 3.5 3.5 0 0 1 0 7z"
              />
            </svg>
          </Link>
        )}
      </nav>
    </header>
  );
}

function OfflineBanner() {
  const offline = useStore(offlineStore);
  useLocale();
  if (!offline) return null;
  return (
    <div class="offline-banner" role="status" data-testid="offline-banner">
      <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
        <path
          fill="currentColor"
          d="M23.6 7C23.2 6.7 18.7 3 12 3c-1.5 0-2.9.2-4.2.5L18.2 13.8zm-6.6 8.2L3.3 1.4 2 2.7l2 2.1C1.9 5.8.6 6.8.4 7L12 21.5l3.9-4.9 3.3 3.3 1.3-1.3z"
        />
      </svg>
      <span>{t('offline.banner')}</span>
    </div>
  );
}

function Screen() {
  const path = usePath();
  const session = useStore(sessionStore);
  useLocale();
  let route: Route | undefined;
  let params: Record<string, string> = {};
  for (const r of routes) {
    const m = match(r.path, path);
    if (m) {
      route = r;
      params = m;
      break;
    }
  }
  if (!route) return <NotFound />;
  if (route.guard === 'public') return <route.component {...params} />;

  const { me, ready } = session;
  if (!me) {
    if (!ready) return <Loading />;
    // Remember where to come back to after signing in.
    const next = path === '/' ? '/login' : `/login?next=${encodeURIComponent(path + location.search)}`;
    queueMicrotask(() => navigate(next, true));
    return <Loading />;
  }
  if (me.status === 'pending') return <Pending />;
  if (me.status !== 'active') return <Blocked />;
  if (!allowed(route.guard, me))
    return (
      <Page title={t('notFound.title')} back="/">
        <p>{t('forbidden.page')}</p>
      </Page>
    );
  return <route.component {...params} />;
}

export function App() {
  return (
    <>
      <Header />
      <OfflineBanner />
      <main id="main">
        <Screen />
      </main>
    </>
  );
}
