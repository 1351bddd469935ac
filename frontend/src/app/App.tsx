import { signal } from '@preact/signals';
import { ErrorBoundary, LocationProvider, Route, Router, useLocation } from 'preact-iso';
import { offline } from '../api/connectivity';
import { locale } from '../i18n';
import { t } from '../i18n/common';
import { changeLocale, me } from '../features/session/state';
import { RenderErrorBoundary } from './Crash';
import { reloadIfUpdated } from './navigation';
import * as screens from './routes';
import { signedIn } from './routes';
import { NotFound } from './screens';

const Home = signedIn(screens.Home);
const Settings = signedIn(screens.Settings);
const Invites = signedIn(screens.Invites, (can) => can.manage_invites);
const Approvals = signedIn(screens.Approvals, (can) => can.approve_members);
const TeamList = signedIn(screens.TeamList, (can) => can.see_rosters);
const Roster = signedIn(screens.Roster, (can) => can.see_rosters);
const AdminUnits = signedIn(screens.AdminUnits, (can) => can.administer_units);
const AdminTeams = signedIn(screens.AdminTeams, (can) => can.administer_units);
const AdminAreas = signedIn(screens.AdminAreas, (can) => can.administer_units);
const Audit = signedIn(screens.Audit, (can) => can.read_audit);
const MyShifts = signedIn(screens.MyShifts, (can) => can.take_shifts);
const OpenShifts = signedIn(screens.OpenShifts, (can) => can.take_shifts);
const Shift = signedIn(screens.Shift);
const ShiftAttendance = signedIn(screens.ShiftAttendance);
const Board = signedIn(screens.Board, (can) => can.plan_shifts);
const Patterns = signedIn(screens.Patterns, (can) => can.plan_shifts);
const SchedulingRules = signedIn(screens.SchedulingRules, (can) => can.plan_shifts);
// On duty and everyone's hours: coordinators' and officers' (the server checks the unit); members' own hours.
const OnDuty = signedIn(screens.OnDuty, (can) => can.plan_shifts || can.read_audit);
const Hours = signedIn(screens.Hours, (can) => can.take_shifts || can.plan_shifts || can.read_audit);
const Inbox = signedIn(screens.Inbox);
const AlertDetail = signedIn(screens.AlertDetail);
const AlertAnswers = signedIn(screens.AlertAnswers);
const Compose = signedIn(screens.Compose, (can) => can.send_alert);
const SentAlerts = signedIn(screens.SentAlerts, (can) => can.send_alert);
const Outbox = signedIn(screens.Outbox);

// The gear, drawn here so the icon set (ui/icons) stays out of the first download.
const SETTINGS_ICON =
  'M19.4 13a7.5 7.5 0 0 0 0-2l2.1-1.6-2-3.5-2.5 1a7.6 7.6 0 0 0-1.7-1L15 3h-4l-.4 2.9a7.6 7.6 0 0 0-1.7 1l-2.5-1-2 3.5L6.6 11a7.5 7.5 0 0 0 0 2l-2.1 1.6 2 3.5 2.5-1a7.6 7.6 0 0 0 1.7 1L11 21h4l.4-2.9a7.6 7.6 0 0 0 1.7-1l2.5 1 2-3.5zM13 15.5a3.5 3.5 0 1 1 0-7 3.5 3.5 0 0 1 0 7z';

/** A screen's code is on its way (first visit to it, weak signal). */
const screenLoading = signal(false);

/** The bell, the outbox bar and what drives them (app/shell.tsx), loaded after the first render. */
const shell = signal<typeof import('./shell') | null>(null);
export function loadShell(): void {
  import('./shell').then((module) => (shell.value = module), () => undefined);
}

function Header() {
  const other = locale.value === 'zh-CN' ? 'en' : 'zh-CN';
  return (
    <header class="topbar">
      {/* The link's name is its visible text (plus where it goes, for screen readers). */}
      <a href="/" class="brand">
        <img src="/favicon.svg" alt="" width={32} height={32} />
        <span>{t('app.name')}</span>
        <span class="sr-only"> · {t('nav.home')}</span>
      </a>
      <nav class="topnav" aria-label={t('nav.main')}>
        <button type="button" class="topbtn" lang={other} data-testid="lang-toggle" onClick={() => changeLocale(other)}>
          {other === 'en' ? 'English' : '中文'}
        </button>
        {me.value && shell.value && <shell.value.Bell />}
        {me.value && (
          <a href="/settings" class="topbtn" data-testid="nav-settings" aria-label={t('nav.settings')}>
            <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true">
              <path fill="currentColor" d={SETTINGS_ICON} />
            </svg>
          </a>
        )}
      </nav>
      {screenLoading.value && <div class="route-progress" role="progressbar" aria-label={t('app.loading')} />}
    </header>
  );
}

function OfflineBanner() {
  if (!offline.value) return null;
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

function Screens() {
  const { path } = useLocation();
  return (
    <RenderErrorBoundary path={path}>
      <ErrorBoundary>
        <Router
          onLoadStart={() => (screenLoading.value = true)}
          onLoadEnd={() => (screenLoading.value = false)}
          onRouteChange={reloadIfUpdated}
        >
          <Route path="/login" component={screens.Login} />
          <Route path="/join/:token" component={screens.Join} />
          <Route path="/reset/:token" component={screens.Reset} />
          <Route path="/" component={Home} />
          <Route path="/settings" component={Settings} />
          <Route path="/invites" component={Invites} />
          <Route path="/approvals" component={Approvals} />
          <Route path="/teams" component={TeamList} />
          <Route path="/teams/:id" component={Roster} />
          <Route path="/admin/units" component={AdminUnits} />
          <Route path="/admin/teams" component={AdminTeams} />
          <Route path="/admin/areas" component={AdminAreas} />
          <Route path="/audit" component={Audit} />
          <Route path="/shifts" component={MyShifts} />
          <Route path="/shifts/open" component={OpenShifts} />
          <Route path="/shifts/:id" component={Shift} />
          <Route path="/shifts/:id/attendance" component={ShiftAttendance} />
          <Route path="/board" component={Board} />
          <Route path="/patterns/:id?" component={Patterns} />
          <Route path="/scheduling-rules" component={SchedulingRules} />
          <Route path="/on-duty" component={OnDuty} />
          <Route path="/hours" component={Hours} />
          <Route path="/notifications" component={Inbox} />
          <Route path="/alerts/new" component={Compose} />
          <Route path="/alerts/sent" component={SentAlerts} />
          <Route path="/alerts/:id" component={AlertDetail} />
          <Route path="/alerts/:id/answers" component={AlertAnswers} />
          <Route path="/outbox" component={Outbox} />
          <Route path="/reports/*" component={screens.Reports} />
          <Route default component={NotFound} />
        </Router>
      </ErrorBoundary>
    </RenderErrorBoundary>
  );
}

export function App() {
  return (
    <LocationProvider>
      <Header />
      <OfflineBanner />
      {shell.value && <shell.value.OutboxBar />}
      <main id="main">
        <Screens />
      </main>
    </LocationProvider>
  );
}
