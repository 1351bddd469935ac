import '../reports.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { offline } from '../../../api/connectivity';
import { ApiError } from '../../../api/errors';
import { fmtTime } from '../../../i18n';
import { errorText } from '../../../i18n/errors/text';
import { storage } from '../../../lib/storage';
import type { OutboxEntry } from '../../../outbox/page';
import { Badge, Info, Notice } from '../../../ui/feedback';
import { Page } from '../../../ui/Page';
import { PagedList } from '../../../ui/PagedList';
import { USER_KEY_PREFIX } from '../../session/userData';
import { listReports, type ReportSummary } from '../api';
import { CaseRow } from '../components/parts';
import { useCursorList } from '../components/useCursorList';
import { waitingReports } from '../components/waiting';
import { t } from '../i18n';

/** The first page of my reports, kept on the phone (the user's own data) so it opens without signal. */
const SAVED_KEY = USER_KEY_PREFIX + 'my-reports';
function saved(): ReportSummary[] | null {
  try {
    const value: unknown = JSON.parse(storage.get(SAVED_KEY) ?? 'null');
    return Array.isArray(value) ? (value as ReportSummary[]) : null;
  } catch {
    return null;
  }
}

/** A report still on this phone, with how many of its photos wait, or why it was refused. */
function WaitingReport({ entry, photos }: { entry: OutboxEntry; photos: OutboxEntry[] }) {
  const failed = entry.failed ?? photos.find((photo) => photo.failed)?.failed;
  return (
    <li class="list-item list-item-col waiting-report" data-testid="waiting-report" data-state={failed ? 'failed' : 'pending'}>
      <p class="item-title">
        {String(entry.label.category ?? '')} <Badge kind={failed ? 'bad' : 'warn'}>{t('mine.waiting')}</Badge>
      </p>
      {entry.label.description && <p class="case-desc">{String(entry.label.description)}</p>}
      <p class="muted small">
        {fmtTime(new Date(entry.createdAt).toISOString())}
        {photos.length > 0 && <> · {t('mine.photoCount', { n: photos.length })}</>}
      </p>
      {failed ? (
        <p class="field-error">{t('mine.failed', { reason: errorText(new ApiError(failed.status, failed.error)) })}</p>
      ) : (
        <p class="needs-net">{t('new.queued')}</p>
      )}
      <a href="/outbox" class="btn btn-secondary btn-small">
        {t('mine.toOutbox')}
      </a>
    </li>
  );
}

/** My reports (and the cases I follow): those still on the phone first, then what the server has, newest first. */
export default function MyReports() {
  const { query } = useLocation();
  const [fromPhone, setFromPhone] = useState(false);
  const list = useCursorList(async (cursor) => {
    try {
      const page = await listReports({ box: 'mine', cursor, page_size: 20 });
      if (cursor === null) storage.set(SAVED_KEY, JSON.stringify(page.items));
      setFromPhone(false);
      return page;
    } catch (e) {
      const copy = cursor === null && e instanceof ApiError && e.network ? saved() : null;
      if (!copy) throw e;
      setFromPhone(true);
      return { items: copy, next: null };
    }
  }, []);
  // What was shown from the phone is asked for again once the signal is back.
  const reload = useRef(list.reload);
  reload.current = list.reload;
  useEffect(() => offline.subscribe((isOffline) => !isOffline && fromPhone && reload.current()), [fromPhone]);
  const waiting = waitingReports.value;
  const reports = waiting.filter((entry) => entry.kind === 'report');
  const photosOf = (entry: OutboxEntry) => waiting.filter((photo) => photo.after === entry.key);
  // Photos whose report already went out (it has its id): said once, above the list.
  const loosePhotos = waiting.filter((entry) => entry.kind === 'report_photo' && !reports.some((r) => r.key === entry.after) && !entry.failed);

  // Something went out: the server's list has it now.
  const count = waiting.length;
  const before = useRef(count);
  useEffect(() => {
    if (count < before.current) list.reload();
    before.current = count;
    // eslint-disable-next-line react-hooks/exhaustive-deps -- reload when the outbox shrinks
  }, [count]);

  return (
    <Page title={t('mine.title')} back="/" testid="my-reports-page">
      <a href="/reports/new" class="btn btn-primary btn-block" data-testid="mine-new">
        {t('mine.new')}
      </a>
      {query.sent === '1' && reports.length === 0 && loosePhotos.length === 0 && <Notice testid="report-sent">{t('new.sent')}</Notice>}
      {reports.length > 0 && (
        <ul class="list" data-testid="waiting-reports">
          {reports.map((entry) => (
            <WaitingReport key={entry.key} entry={entry} photos={photosOf(entry)} />
          ))}
        </ul>
      )}
      {loosePhotos.length > 0 && (
        <p class="needs-net" data-testid="photos-waiting">
          {t('mine.photosLeft', { n: loosePhotos.length })}
        </p>
      )}
      {fromPhone && <Info testid="mine-saved">{t('mine.saved')}</Info>}
      <PagedList
        list={list}
        testid="my-reports"
        empty={t('mine.empty')}
        row={(report) => (
          <CaseRow key={report.id} report={report}>
            {!report.is_mine && report.is_following && <Badge kind="muted">{t('mine.following')}</Badge>}
          </CaseRow>
        )}
      />
    </Page>
  );
}
