import '../reports.css';
import { useState } from 'preact/hooks';
import { ApiError } from '../../../api/errors';
import { errorText } from '../../../i18n/errors/text';
import { ActionButton } from '../../../ui/buttons';
import { ErrorBox, Notice } from '../../../ui/feedback';
import { Page } from '../../../ui/Page';
import { PagedList } from '../../../ui/PagedList';
import { capabilities } from '../../session/state';
import { act, bulkDispatch, exportReports, listReports, type Action, type ExportFormat, type ReportSummary } from '../api';
import { DispatchFields, dispatchBody, type DispatchChoice } from '../components/Dispatch';
import { CaseRow } from '../components/parts';
import { QueueFilters, useFilters } from '../components/QueueFilters';
import { useCursorList } from '../components/useCursorList';
import { apiParams, filtersToApi, filtersToSearch } from '../filters';
import { t } from '../i18n';
import { ACTION_LABEL } from '../labels';

/** Steps a row offers with one tap (dispatch goes to the category's default department). */
const ROW_ACTIONS: Action[] = ['accept', 'dispatch', 'start'];

function Row(props: { report: ReportSummary; selected: boolean; onSelect: (on: boolean) => void; onChanged: (report: ReportSummary, action: Action) => void }) {
  const { report } = props;
  const [busy, setBusy] = useState<Action | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [choosing, setChoosing] = useState(false);
  const [choice, setChoice] = useState<DispatchChoice>({ department: '', handler: '' });
  const run = async (action: Action, body = {}) => {
    setBusy(action);
    setError(null);
    try {
      props.onChanged(await act(report.id, action, body), action);
      setRejecting(false);
      setChoosing(false);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  const canBulk = report.actions.includes('dispatch');
  return (
    <CaseRow
      report={report}
      lead={
        canBulk ? (
          <label class="case-check">
            <input type="checkbox" checked={props.selected} onChange={(e) => props.onSelect(e.currentTarget.checked)} data-testid={`select-${report.id}`} />
            <span class="sr-only">{t('queue.select', { id: report.id })}</span>
          </label>
        ) : undefined
      }
    >
      <div class="case-actions">
        {ROW_ACTIONS.filter((action) => report.actions.includes(action)).map((action) => (
          <ActionButton key={action} class="btn btn-primary btn-small" busy={busy === action} onClick={() => void run(action)} testid={`row-${action}-${report.id}`}>
            {t(ACTION_LABEL[action])}
          </ActionButton>
        ))}
        {report.actions.includes('dispatch') && (
          <ActionButton class="btn btn-secondary btn-small" pressed={choosing} onClick={() => setChoosing(!choosing)} testid={`row-dispatch-to-${report.id}`}>
            {t('queue.dispatchTo')}
          </ActionButton>
        )}
        {report.actions.includes('reject') && (
          <ActionButton class="btn btn-secondary btn-small" pressed={rejecting} onClick={() => setRejecting(!rejecting)} testid={`row-reject-${report.id}`}>
            {t(ACTION_LABEL.reject)}
          </ActionButton>
        )}
      </div>
      {choosing && (
        <div class="case-reject" data-testid={`row-dispatch-form-${report.id}`}>
          <DispatchFields unitId={report.unit.id} value={choice} onChange={setChoice} testid={`row-${report.id}`} />
          <ActionButton class="btn btn-primary" busy={busy === 'dispatch'} onClick={() => void run('dispatch', dispatchBody(choice))} testid={`row-dispatch-confirm-${report.id}`}>
            {t('detail.confirm', { action: t(ACTION_LABEL.dispatch) })}
          </ActionButton>
        </div>
      )}
      {rejecting && (
        <form
          class="inline-form case-reject"
          onSubmit={(e) => {
            e.preventDefault();
            if (reason.trim()) void run('reject', { reason });
          }}
        >
          <label class="grow">
            <span class="field-label">{t('queue.rejectReason')}</span>
            <input type="text" value={reason} onInput={(e) => setReason(e.currentTarget.value)} maxLength={1000} data-testid={`reject-reason-${report.id}`} />
          </label>
          <button type="submit" class="btn btn-danger" disabled={!reason.trim() || busy !== null} data-testid={`reject-confirm-${report.id}`}>
            {t('detail.confirm', { action: t(ACTION_LABEL.reject) })}
          </button>
        </form>
      )}
      {error !== null && <ErrorBox error={error} testid={`row-error-${report.id}`} />}
    </CaseRow>
  );
}

/** The officers' queue (and a handler's cases): filters in the address, keyset pages, one-tap steps, bulk dispatch, export, map. */
export default function Queue() {
  const [filters, setFilters] = useFilters('/reports/queue');
  const query = filtersToApi(filters);
  const key = JSON.stringify([query, filters.sort]);
  const list = useCursorList((cursor) => listReports({ ...query, sort: filters.sort, cursor, page_size: 30 }), [key]);
  const [selected, setSelected] = useState<number[]>([]);
  const [choice, setChoice] = useState<DispatchChoice>({ department: '', handler: '' });
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [bulkBusy, setBulkBusy] = useState(false);
  const [exporting, setExporting] = useState<ExportFormat | null>(null);
  const can = capabilities.value;

  const changed = (updated: ReportSummary, action: Action) => {
    list.setItems((items) => items.map((item) => (item.id === updated.id ? updated : item)));
    setSelected((ids) => ids.filter((id) => id !== updated.id));
    setNotice(t('queue.done', { id: updated.id, action: t(ACTION_LABEL[action]) }));
  };
  const dispatchSelected = async () => {
    setBulkBusy(true);
    setError(null);
    try {
      const results = await bulkDispatch({ report_ids: selected, ...dispatchBody(choice) });
      const refused = results.filter((r) => r.error);
      const done = results.length - refused.length;
      setNotice(
        [t('queue.bulkDone', { n: done }), ...refused.map((r) => t('queue.bulkFailed', { id: r.id, reason: errorText(new ApiError(409, r.error ?? 'conflict')) }))].join(' '),
      );
      setSelected([]);
      list.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBulkBusy(false);
    }
  };
  const download = async (format: ExportFormat) => {
    setExporting(format);
    setError(null);
    try {
      const outcome = await exportReports(apiParams(query), format);
      setNotice(outcome === 'queued' ? t('queue.exportQueued') : t('queue.exported'));
    } catch (e) {
      setError(e);
    } finally {
      setExporting(null);
    }
  };

  return (
    <Page title={can.triage_reports ? t('queue.title') : t('queue.handlerTitle')} back="/" testid="queue-page">
      <div class="queue-tools">
        {can.triage_reports && (
          <a href={'/reports/map' + filtersToSearch(filters)} class="btn btn-secondary" data-testid="to-map">
            {t('queue.map')}
          </a>
        )}
        {can.triage_reports && (
          <>
            <ActionButton busy={exporting === 'csv'} onClick={() => void download('csv')} testid="export-csv">
              {t('queue.export')} <span translate={false}>CSV</span>
            </ActionButton>
            <ActionButton busy={exporting === 'xlsx'} onClick={() => void download('xlsx')} testid="export-xlsx">
              {t('queue.export')} <span translate={false}>Excel</span>
            </ActionButton>
          </>
        )}
      </div>
      <QueueFilters filters={filters} onChange={setFilters} />
      {notice && <Notice testid="queue-notice">{notice}</Notice>}
      <ErrorBox error={error} />
      {selected.length > 0 && (
        <section class="card bulk" data-testid="bulk">
          <h2>{t('queue.selected', { n: selected.length })}</h2>
          <DispatchFields value={choice} onChange={setChoice} testid="bulk" />
          <ActionButton class="btn btn-primary btn-block" busy={bulkBusy} onClick={() => void dispatchSelected()} testid="bulk-dispatch">
            {t('queue.bulkDispatch')}
          </ActionButton>
        </section>
      )}
      <PagedList
        list={list}
        testid="queue-list"
        empty={t('queue.empty')}
        row={(report) => (
          <Row
            key={report.id}
            report={report}
            selected={selected.includes(report.id)}
            onSelect={(on) => setSelected((ids) => (on ? [...ids, report.id] : ids.filter((id) => id !== report.id)))}
            onChanged={changed}
          />
        )}
      />
    </Page>
  );
}
