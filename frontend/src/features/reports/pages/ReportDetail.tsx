import '../reports.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { fmtTime } from '../../../i18n';
import { MapView } from '../../../map/MapView';
import { ActionButton, ConfirmButton } from '../../../ui/buttons';
import { useQuery } from '../../../ui/data';
import { Badge, ErrorBox, Info, Notice } from '../../../ui/feedback';
import { Field, TextArea, Toggle } from '../../../ui/fields';
import { formatPhone } from '../../../ui/labels';
import { Loading, NeedsConnection, Page } from '../../../ui/Page';
import {
  act,
  addComment,
  deleteReport,
  getReport,
  getTimeline,
  present,
  listComments,
  queuePhotos,
  queueResolve,
  type Action,
  type Comment,
  type Report,
} from '../api';
import { DispatchFields, dispatchBody, type DispatchChoice } from '../components/Dispatch';
import { PhotoGallery, SeverityBadge, StatusBadge, Timeline } from '../components/parts';
import { PhotoPicker, usePhotoPicker } from '../components/PhotoPicker';
import { waitingFor } from '../components/waiting';
import { t } from '../i18n';
import { ACTION_LABEL, ACTOR_LABEL } from '../labels';

/** Steps taken with one tap (a note is optional); the others open their form first. */
const ONE_TAP: Action[] = ['accept', 'start', 'close'];
const NEEDS_REASON: Action[] = ['reject', 'return', 'reopen', 'request_reopen'];
/** Forward steps first, the ones that end or send back a case after. */
const ORDER: Action[] = ['accept', 'dispatch', 'start', 'resolve', 'close', 'request_reopen', 'reopen', 'return', 'mark_duplicate', 'reject'];

function Fact({ label, children }: { label: string; children: preact.ComponentChildren }) {
  return (
    <div class="fact">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** The workflow buttons the server allows the caller now, each with what it needs. */
function Actions({ report, onDone }: { report: Report; onDone: (report: Report | null, action: Action, queued?: boolean) => void }) {
  const allowed = ORDER.filter((action) => report.actions.includes(action));
  const [open, setOpen] = useState<Action | null>(null);
  const [busy, setBusy] = useState<Action | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [text, setText] = useState('');
  const [duplicateOf, setDuplicateOf] = useState('');
  const [choice, setChoice] = useState<DispatchChoice>({ department: '', handler: '' });
  const [missing, setMissing] = useState(false);
  const picker = usePhotoPicker();
  if (!allowed.length) return null;

  const run = async (action: Action) => {
    setError(null);
    const needsText = NEEDS_REASON.includes(action) || action === 'resolve';
    if ((needsText && !text.trim()) || (action === 'mark_duplicate' && !Number(duplicateOf))) {
      setMissing(true);
      return;
    }
    setMissing(false);
    setBusy(action);
    try {
      if (action === 'resolve') {
        // The photos of the work go up first, then the resolve: in that order, through the outbox.
        await queueResolve(report.id, text.trim(), picker.ready, { category: report.category.name, description: report.description ?? '' });
        onDone(null, action, true);
      } else {
        const body = { note: text, reason: text, duplicate_of_id: Number(duplicateOf) || undefined, ...dispatchBody(choice) };
        onDone(await act(report.id, action, body), action);
      }
      setOpen(null);
      setText('');
      picker.clear();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  return (
    <section class="card" data-testid="case-actions">
      <h2>{t('detail.actions')}</h2>
      <ErrorBox error={error} testid="action-error" />
      <div class="btn-row">
        {allowed.map((action) =>
          // The resolve goes through the outbox: it can be written without signal.
          action === 'resolve' ? (
            <button
              key={action}
              type="button"
              class={open === action ? 'btn btn-primary' : 'btn btn-secondary'}
              aria-pressed={open === action}
              onClick={() => {
                setError(null);
                setOpen(open === action ? null : action);
              }}
              data-testid="action-resolve"
            >
              {t(ACTION_LABEL.resolve)}
            </button>
          ) : (
            <ActionButton
              key={action}
              class={open === action ? 'btn btn-primary' : ONE_TAP.includes(action) || action === 'dispatch' ? 'btn btn-primary' : 'btn btn-secondary'}
              busy={busy === action}
              pressed={ONE_TAP.includes(action) ? undefined : open === action}
              onClick={() => {
                setError(null);
                setMissing(false);
                if (ONE_TAP.includes(action)) void run(action);
                else setOpen(open === action ? null : action);
              }}
              testid={`action-${action}`}
            >
              {t(ACTION_LABEL[action])}
            </ActionButton>
          ),
        )}
      </div>
      {open && (
        <div class="action-form" data-testid={`action-form-${open}`}>
          {open === 'dispatch' && <DispatchFields unitId={report.unit.id} value={choice} onChange={setChoice} testid="dispatch" />}
          {open === 'mark_duplicate' && (
            <Field
              label={t('detail.duplicateId')}
              type="number"
              inputMode="numeric"
              value={duplicateOf}
              onValue={setDuplicateOf}
              error={missing && !Number(duplicateOf) ? t('new.summary') : undefined}
              testid="duplicate-of"
            />
          )}
          <TextArea
            prose
            rows={3}
            label={NEEDS_REASON.includes(open) ? t('detail.reason') : open === 'resolve' ? t('detail.resolveNote') : t('detail.note')}
            value={text}
            onValue={setText}
            error={missing && !text.trim() && open !== 'mark_duplicate' ? t('new.summary') : undefined}
            testid="action-text"
          />
          {open === 'resolve' && (
            <>
              <p class="field-label">{t('detail.resolvePhotos')}</p>
              <PhotoPicker picker={picker} testid="resolve-photos" />
            </>
          )}
          <div class="btn-row">
            <button type="button" class="btn btn-primary" disabled={!!busy || picker.busy} onClick={() => void run(open)} data-testid="action-confirm">
              {busy === open && <span class="spinner spinner-light" aria-hidden="true" />}
              {t('detail.confirm', { action: t(ACTION_LABEL[open]) })}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}

function Comments({ report }: { report: Report }) {
  const comments = useQuery(() => listComments(report.id), [report.id]);
  const [body, setBody] = useState('');
  const [isPublic, setPublic] = useState(!report.can_comment_internally);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const send = async () => {
    if (!body.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const added = await addComment(report.id, { body: body.trim(), ...(report.can_comment_internally ? { is_public: isPublic } : {}) });
      comments.setData([...(comments.data ?? []), added]);
      setBody('');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card" data-testid="comments">
      <h2>{t('detail.comments')}</h2>
      {comments.data === undefined ? (
        comments.loading ? <Loading /> : <ErrorBox error={comments.error} onRetry={comments.reload} />
      ) : comments.data.length === 0 ? (
        <p class="muted">{t('detail.noComments')}</p>
      ) : (
        <ul class="list">
          {comments.data.map((comment: Comment) => (
            <li key={comment.id} class="list-item list-item-col" data-testid={`comment-${comment.id}`}>
              <p class="comment-body">{comment.body}</p>
              <p class="muted small">
                {fmtTime(comment.created_at)} · {comment.author?.display_name ?? t(ACTOR_LABEL[comment.author_role])}
                {report.can_comment_internally && (
                  <>
                    {' '}
                    <Badge kind={comment.is_public ? 'info' : 'muted'}>{comment.is_public ? t('detail.public') : t('detail.internal')}</Badge>
                  </>
                )}
              </p>
            </li>
          ))}
        </ul>
      )}
      {report.can_comment && (
        <div class="comment-form">
          <TextArea prose rows={3} label={t('detail.comment')} value={body} onValue={setBody} testid="comment-body" />
          {report.can_comment_internally && <Toggle label={t('detail.commentPublic')} checked={isPublic} onChange={setPublic} testid="comment-public" />}
          <ErrorBox error={error} testid="comment-error" />
          <ActionButton class="btn btn-secondary" busy={busy} disabled={!body.trim()} onClick={() => void send()} testid="comment-send">
            {t('detail.send')}
          </ActionButton>
        </div>
      )}
    </section>
  );
}

/** More photos of the hazard from its reporter or a follower, through the outbox. */
function AddPhotos({ report }: { report: Report }) {
  const picker = usePhotoPicker();
  const [done, setDone] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const send = async () => {
    try {
      await queuePhotos(report.id, picker.ready, { category: report.category.name, description: '' });
      picker.clear();
      setDone(true);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section class="card" data-testid="add-photos">
      <h2>{t('detail.addPhotos')}</h2>
      {done && <Notice>{t('detail.photosQueued')}</Notice>}
      <PhotoPicker picker={picker} testid="more-photos" />
      <ErrorBox error={error} />
      {picker.ready.length > 0 && (
        <button type="button" class="btn btn-primary btn-block" disabled={picker.busy} onClick={() => void send()} data-testid="more-photos-send">
          {t('detail.addPhotos')}
        </button>
      )}
    </section>
  );
}

/** One case: what, where, photos, what happened, comments, and the steps the caller may take now. */
export default function ReportDetail() {
  const { params } = useRoute();
  const { query, route } = useLocation();
  const id = Number(params.id);
  const report = useQuery(() => getReport(id), [id]);
  const timeline = useQuery(() => getTimeline(id), [id]);
  const [done, setDone] = useState<{ action: Action; queued: boolean } | null>(null);
  const [deleteError, setDeleteError] = useState<unknown>(null);

  // Photos or a resolve of this case went out of the outbox: show the case as it is now.
  const waiting = waitingFor(id);
  const count = waiting.length;
  const before = useRef(count);
  useEffect(() => {
    if (count < before.current) {
      report.reload();
      timeline.reload();
    }
    before.current = count;
    // eslint-disable-next-line react-hooks/exhaustive-deps -- reload when the outbox shrinks
  }, [count]);

  const title = t('detail.title', { id: Number.isFinite(id) ? id : 0 });
  const data = report.data;
  if (!data)
    return (
      <Page title={title} back="/" testid="report-page">
        {report.needsConnection ? <NeedsConnection /> : report.loading ? <Loading /> : <ErrorBox error={report.error} onRetry={report.reload} />}
      </Page>
    );

  const reporter = present(data.reporter);
  const team = present(data.team);
  const department = present(data.department);
  const handler = present(data.handler);
  const position = present(data.position);
  const staff = data.viewer === 'staff' || data.viewer === 'handler';
  const back = staff ? '/reports/queue' : '/reports/mine';
  const hazardPhotos = data.photos.filter((p) => p.kind === 'report');
  const workPhotos = data.photos.filter((p) => p.kind === 'resolution');
  const onDone = (updated: Report | null, action: Action, queued?: boolean) => {
    if (updated) report.setData(updated);
    timeline.reload();
    setDone({ action, queued: !!queued });
  };
  const withdraw = async () => {
    try {
      await deleteReport(data.id);
      route('/reports/mine', true);
    } catch (e) {
      setDeleteError(e);
    }
  };

  return (
    <Page title={title} back={back} testid="report-page">
      <div class="card case-head" data-testid="case-head">
        <p class="case-category">{data.category.name}</p>
        <p class="case-badges">
          <StatusBadge status={data.status} testid="case-status" />
          <SeverityBadge severity={data.severity} />
          {data.is_overdue && <Badge kind="bad">{t('detail.overdue')}</Badge>}
        </p>
        {data.description && <p class="case-description">{data.description}</p>}
        <dl class="facts">
          <Fact label={t('detail.reported')}>{fmtTime(data.created_at)}</Fact>
          {reporter && (
            <Fact label={t('detail.reporter')}>
              {reporter.display_name}
              {reporter.phone && (
                <>
                  {' · '}
                  <a href={`tel:${reporter.phone}`} aria-label={t('detail.phone')}>
                    {formatPhone(reporter.phone)}
                  </a>
                </>
              )}
            </Fact>
          )}
          {team && <Fact label={t('detail.team')}>{team.name}</Fact>}
          <Fact label={t('detail.unit')}>{data.unit.name}</Fact>
          {data.address && <Fact label={t('detail.address')}>{data.address}</Fact>}
          {department && <Fact label={t('detail.department')}>{department.name}</Fact>}
          {handler && <Fact label={t('detail.handler')}>{handler.display_name}</Fact>}
          {data.due_at && <Fact label={t('detail.deadline')}>{fmtTime(data.due_at)}</Fact>}
        </dl>
        {data.duplicate_of_id && (
          <p>
            <a href={`/reports/${data.duplicate_of_id}`} data-testid="duplicate-of-link">
              {t('detail.duplicateOf', { id: data.duplicate_of_id })}
            </a>
          </p>
        )}
        {staff && data.follower_count ? <p class="muted small">{t('detail.followers', { n: data.follower_count })}</p> : null}
        {data.viewer === 'follower' && <p class="muted">{t('detail.following')}</p>}
      </div>

      {query.followed === '1' && <Notice testid="followed">{t('nearby.followed')}</Notice>}
      {done && (
        // A step kept in the outbox is "saved" while it waits, and done once it went out.
        <Notice testid="action-done">
          {done.queued && waiting.length > 0 ? t('detail.resolveQueued') : t('detail.done', { action: t(ACTION_LABEL[done.action]) })}
        </Notice>
      )}
      {waiting.length > 0 && (
        <Info testid="case-waiting">
          {t('detail.waiting')}
          {' · '}
          <a href="/outbox">{t('mine.toOutbox')}</a>
        </Info>
      )}

      <Actions report={data} onDone={onDone} />

      <PhotoGallery photos={hazardPhotos} title={t('detail.photos')} testid="case-photos" />
      <PhotoGallery photos={workPhotos} title={t('detail.resolutionPhotos')} testid="work-photos" />
      {data.can_add_photo && (data.viewer === 'reporter' || data.viewer === 'follower') && <AddPhotos report={data} />}

      {position && (
        <section class="card">
          <h2>{t('new.position')}</h2>
          {position.is_imprecise && <Badge kind="warn">{t('detail.imprecise')}</Badge>}
          <MapView areas={[]} points={[{ position: [position.lon, position.lat], label: data.category.name }]} testid="case-map" lazy />
        </section>
      )}

      <section class="card">
        <h2>{t('detail.timeline')}</h2>
        {timeline.data ? <Timeline events={timeline.data} /> : timeline.loading ? <Loading /> : <ErrorBox error={timeline.error} onRetry={timeline.reload} />}
      </section>

      {data.can_comment && <Comments report={data} />}

      {data.can_delete && (
        <div class="card">
          <ErrorBox error={deleteError} />
          <ConfirmButton label={t('detail.withdraw')} confirmLabel={t('detail.confirmWithdraw')} onConfirm={() => void withdraw()} testid="withdraw" />
        </div>
      )}
    </Page>
  );
}
