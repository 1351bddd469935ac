/**
 * Hazard reports: one lazy entry of the route table (`/reports/*`), with its own routes, so the
 * first download does not grow by a screen per page. Each page is loaded on demand as well
 * (a member reporting never downloads the officers' queue); the catalogs came with this module.
 */
import { useEffect } from 'preact/hooks';
import { ErrorBoundary, Route, Router, useLocation } from 'preact-iso';
import { admin } from '../features/admin/i18n';
import { reports } from '../features/reports/i18n';
import { loadCatalogs } from '../i18n';
import { mapTexts } from '../map/i18n';
import { screen, signedIn } from './routes';
import { NotFound } from './screens';

/** The reports catalog, asked for as soon as this module arrives (the route table waits for it). */
export const ready = loadCatalogs(reports);

const staff = (can: { triage_reports: boolean; handle_reports: boolean }) => can.triage_reports || can.handle_reports;

const NewReport = signedIn(
  screen(() => import('../features/reports/pages/NewReport'), mapTexts),
  (can) => can.report_hazard,
);
const loadMine = () => import('../features/reports/pages/MyReports');
const MyReports = signedIn(screen(loadMine));
const Queue = signedIn(screen(() => import('../features/reports/pages/Queue')), staff);
const ReportsMap = signedIn(screen(() => import('../features/reports/pages/ReportsMap'), mapTexts), (can) => can.triage_reports);
const Departments = signedIn(screen(() => import('../features/reports/pages/Departments'), admin), (can) => can.manage_departments);
const Categories = signedIn(screen(() => import('../features/reports/pages/Categories'), admin), (can) => can.manage_departments);
// Who may see one case is the server's answer (its reporter, followers, staff over it, its handlers).
const ReportDetail = signedIn(screen(() => import('../features/reports/pages/ReportDetail'), mapTexts));

export default function ReportRoutes() {
  const { path } = useLocation();
  // Reporting works without signal: the screen that comes after sending is fetched while the
  // form is open (where no service worker has it already).
  useEffect(() => {
    if (path === '/reports/new') loadMine().catch(() => undefined);
  }, [path]);
  return (
    <ErrorBoundary>
      <Router>
        <Route path="/new" component={NewReport} />
        <Route path="/mine" component={MyReports} />
        <Route path="/queue" component={Queue} />
        <Route path="/map" component={ReportsMap} />
        <Route path="/departments" component={Departments} />
        <Route path="/categories" component={Categories} />
        <Route path="/:id" component={ReportDetail} />
        <Route default component={NotFound} />
      </Router>
    </ErrorBoundary>
  );
}
