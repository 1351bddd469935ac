import '../reports.css';
import { useEffect, useRef } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { ApiError } from '../../../api/errors';
import { fmtTime } from '../../../i18n';
import { errorText } from '../../../i18n/errors/text';
import type { OutboxEntry } from '../../../outbox/page';
import { Badge, Notice } from '../../../ui/feedback';
import { Page } from '../../../ui/Page';
import { PagedList } from '../../../ui/PagedList';
import { listReports } from '../api';
import { CaseRow } from '../components/parts';
import { useCursorList } from '../components/useCursorList';
import { waitingReports } from '../components/waiting';
import { t } from '../i18n';

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
  const list = useCursorList((cursor) => listReports({ box: 'mine', cursor, page_size: 20 }), []);
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
