import type { ComponentType } from 'preact';
import { useEffect } from 'preact/hooks';
import { lazy } from 'preact-iso';
import { loadCatalogs } from '../i18n';
import { Loading } from '../ui/Page';
import { auth } from '../features/auth/i18n';
import { home } from '../features/home/i18n';
import { settings } from '../features/settings/i18n';
import { invites } from '../features/invites/i18n';
import { approvals } from '../features/approvals/i18n';
import { teams } from '../features/teams/i18n';
import { admin } from '../features/admin/i18n';
import { audit } from '../features/audit/i18n';
import { shifts } from '../features/shifts/i18n';
import { attendance } from '../features/attendance/i18n';
import { mapTexts } from '../map/i18n';
import { alerts } from '../features/alerts/i18n';
import { notifications } from '../features/notifications/i18n';
import { outboxTexts } from '../features/outbox/i18n';
import type { Capabilities } from '../features/session/capabilities';
import { capabilities, me, sessionReady } from '../features/session/state';
import { loginUrl, navigate } from './navigation';
import { ChunkFailed, Forbidden } from './screens';

type Catalog = { load(): Promise<void> };

/** A screen loaded on demand together with the dictionaries it speaks from. */
export function screen<P>(load: () => Promise<{ default: ComponentType<P> }>, ...catalogs: Catalog[]): ComponentType<P> {
  return lazy(() =>
    Promise.all([load(), loadCatalogs(...catalogs)]).then(
      ([module]) => module.default,
      (): ComponentType<P> => ChunkFailed,
    ),
  );
}

export const Login = screen(() => import('../features/auth/pages/Login'), auth);
export const Join = screen(() => import('../features/auth/pages/Join'), auth);
export const Reset = screen(() => import('../features/auth/pages/Reset'), auth);
const Pending = screen(() => import('../features/auth/pages/Pending'), auth);
const Blocked = screen(() => import('../features/auth/pages/Blocked'), auth);
export const Home = screen(() => import('../features/home/pages/Home'), home, notifications, attendance);
export const Settings = screen(() => import('../features/settings/pages/Settings'), settings, auth, notifications, outboxTexts);
export const Invites = screen(() => import('../features/invites/pages/Invites'), invites);
export const Approvals = screen(() => import('../features/approvals/pages/Approvals'), approvals);
export const TeamList = screen(() => import('../features/teams/pages/TeamList'), teams);
export const Roster = screen(() => import('../features/teams/pages/Roster'), teams);
export const AdminUnits = screen(() => import('../features/admin/pages/Units'), admin);
export const AdminTeams = screen(() => import('../features/admin/pages/Teams'), admin, teams);
export const AdminAreas = screen(() => import('../features/admin/pages/Areas'), admin, mapTexts);
export const Audit = screen(() => import('../features/audit/pages/Audit'), audit);
export const MyShifts = screen(() => import('../features/shifts/pages/MyShifts'), shifts);
export const OpenShifts = screen(() => import('../features/shifts/pages/OpenShifts'), shifts, mapTexts);
export const Shift = screen(() => import('../features/shifts/pages/Shift'), shifts, attendance, mapTexts);
export const Board = screen(() => import('../features/shifts/pages/Board'), shifts);
export const Patterns = screen(() => import('../features/shifts/pages/Patterns'), shifts, mapTexts);
export const SchedulingRules = screen(() => import('../features/shifts/pages/Rules'), shifts);
export const ShiftAttendance = screen(() => import('../features/attendance/pages/ShiftAttendance'), attendance, shifts);
export const OnDuty = screen(() => import('../features/attendance/pages/OnDuty'), attendance, shifts, mapTexts);
export const Hours = screen(() => import('../features/attendance/pages/Hours'), attendance, shifts);
export const Inbox = screen(() => import('../features/notifications/pages/Inbox'), notifications, alerts);
export const AlertDetail = screen(() => import('../features/alerts/pages/AlertDetail'), alerts, mapTexts);
export const AlertAnswers = screen(() => import('../features/alerts/pages/AlertAnswers'), alerts, mapTexts);
export const Compose = screen(() => import('../features/alerts/pages/Compose'), alerts, mapTexts);
export const SentAlerts = screen(() => import('../features/alerts/pages/SentAlerts'), alerts);
export const Outbox = screen(() => import('../features/outbox/pages/Outbox'), outboxTexts, alerts);
/** Every /reports/* screen, behind one entry that brings its own catalog (app/reportRoutes.tsx): nothing of reports in the first download. */
export const Reports = screen<object>(() => import('./reportRoutes').then((module) => module.ready.then(() => ({ default: module.default }))));

type Allow<P> = (can: Capabilities, props: P) => boolean;

/**
 * A screen for signed-in, active accounts, shown when `allow` says the account's
 * capabilities permit it. Signed out, it sends to sign-in (from an effect, not from render)
 * and comes back afterwards.
 */
export function signedIn<P extends object>(Screen: ComponentType<P>, allow?: Allow<P>): ComponentType<P> {
  return function SignedIn(props: P) {
    const account = me.value;
    const ready = sessionReady.value;
    useEffect(() => {
      // The window's location, not the route's: a screen left behind while the next one loads
      // must not send the person to sign in "back to" itself.
      if (!account && ready) navigate(loginUrl(location.pathname + location.search), true);
    }, [account, ready]);
    if (!account) return <Loading />;
    if (account.status === 'pending') return <Pending />;
    if (account.status !== 'active') return <Blocked />;
    if (allow && !allow(capabilities.value, props)) return <Forbidden />;
    return <Screen {...props} />;
  };
}
