import '../alerts.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import { myEntries } from '../../../outbox/page';
import { fmtTime } from '../../../i18n';
import { ConfirmButton, SubmitButton } from '../../../ui/buttons';
import { usePagedQuery, useQuery } from '../../../ui/data';
import { Badge, ErrorBox, Notice } from '../../../ui/feedback';
import { Field, SelectField, TextArea } from '../../../ui/fields';
import { problem, useForm } from '../../../ui/form';
import { Loading, NeedsConnection, Page } from '../../../ui/Page';
import { PagedList } from '../../../ui/PagedList';
import { PhoneLink } from '../../../ui/Phone';
import { cancelAlert, capUrl, getAlert, getTally, listRecipients, updateAlert, type AlertDetail, type Recipient, type RecipientFilter, type Severity, type Tally } from '../api';
import { AlertFacts, AlertPhoto, alertState, ClosedNotice, SeverityBanner } from '../components/AlertParts';
import { usePolling } from '../components/usePolling';
import { t } from '../i18n';
import { ANSWER_LABEL, SEVERITY_LABEL } from '../labels';

const FILTERS: (RecipientFilter | 'all')[] = ['none', 'on_my_way', 'cannot_come', 'all'];
const FILTER_LABEL = { none: 'recipients.none', on_my_way: 'recipients.on_my_way', cannot_come: 'recipients.cannot_come', all: 'recipients.all' } as const;
const PUSH_LABEL: Record<string, Parameters<typeof t>[0]> = { sent: 'push.sent', pending: 'push.pending', failed: 'push.failed', none: 'push.none' };
const PUSH_BADGE: Record<string, 'ok' | 'warn' | 'bad' | 'muted'> = { sent: 'ok', pending: 'warn', failed: 'bad', none: 'muted' };
const CELLS = [
  ['on_my_way', 'tally-go', 'answer.on_my_way'],
  ['cannot_come', 'tally-no', 'answer.cannot_come'],
  ['seen', 'tally-seen', 'answer.seen'],
  ['unseen', 'tally-unseen', 'answer.unseen'],
] as const;

function TallyView({ tally }: { tally: Tally }) {
  return (
    <section class="card" aria-labelledby="tally-h" data-testid="tally">
      <h2 id="tally-h">{t('tally.total', { n: tally.total })}</h2>
      {!tally.delivered && (
        <p class="muted" role="status" data-testid="tally-delivering">
          <span class="spinner" aria-hidden="true" /> {t('tally.delivering')}
        </p>
      )}
      <div class="tally-grid" role="list">
        {CELLS.map(([key, cls, label]) => (
          <div key={key} class={`tally-cell ${cls}`} role="listitem" data-testid={`tally-${key}`}>
            <span class="tally-number">{tally.answers[key]}</span>
            <span>{t(label)}</span>
          </div>
        ))}
      </div>
      <p class="muted small">{t('tally.live')}</p>
      {tally.teams.length > 0 && (
        <>
          <h3>{t('tally.byTeam')}</h3>
          <ul class="push-list" data-testid="tally-teams">
            {tally.teams.map((row) => {
              const team = row.team && 'name' in row.team ? row.team : null;
              return (
                <li key={team?.id ?? 'none'} class="team-row">
                  <span class="item-title">{team ? team.name : t('tally.noTeam')}</span>
                  {CELLS.map(([key, , label]) => (
                    <span key={key} class="nowrap">
                      {t(label)} <strong>{row.answers[key]}</strong>
                    </span>
                  ))}
                </li>
              );
            })}
          </ul>
        </>
      )}
      <h3>{t('tally.push')}</h3>
      <ul class="push-list" data-testid="tally-push">
        {Object.entries(tally.push).map(([status, count]) => (
          <li key={status}>
            <span>{PUSH_LABEL[status] ? t(PUSH_LABEL[status]) : status}</span>
            <strong>{count}</strong>
          </li>
        ))}
      </ul>
      <p class="muted small">{t('tally.pushNote')}</p>
    </section>
  );
}

function RecipientRow({ r }: { r: Recipient }) {
  const team = r.team && 'name' in r.team ? r.team : null;
  return (
    <li class="list-item list-item-col recipient" data-testid={`recipient-${r.user.id}`}>
      <p class="item-title">
        {r.user.display_name}
        {team && <span class="muted"> · {team.name}</span>}
      </p>
      <p>
        {r.answer ? (
          <Badge kind={r.answer === 'on_my_way' ? 'ok' : 'muted'}>{t(ANSWER_LABEL[r.answer])}</Badge>
        ) : r.seen_at ? (
          <Badge kind="info">{t('recipients.seen', { time: fmtTime(r.seen_at) })}</Badge>
        ) : (
          <Badge kind="warn">{t('answer.unseen')}</Badge>
        )}{' '}
        <Badge kind={PUSH_BADGE[r.push_status] ?? 'muted'}>{PUSH_LABEL[r.push_status] ? t(PUSH_LABEL[r.push_status]) : r.push_status}</Badge>{' '}
        {r.reminded_at && !r.answer && <Badge kind="muted">{t('recipients.reminded')}</Badge>}
      </p>
      {r.answered_at && <p class="muted small">{fmtTime(r.answered_at)}</p>}
      {r.user.phone && <PhoneLink phone={r.user.phone} />}
    </li>
  );
}

const DURATIONS = [1, 2, 4, 8, 12, 24, 72, 168];

/** Change an open alert (severity, words, expiry); every recipient is told. */
function EditAlert({ alert, onSaved }: { alert: AlertDetail; onSaved: (alert: AlertDetail) => void }) {
  const form = useForm({
    initial: { severity: alert.severity as Severity, title: alert.title, body: alert.body, hours: '' },
    validate: (v) => ({ title: v.title.trim() ? undefined : problem('required'), body: v.body.trim() ? undefined : problem('required') }),
    submit: async (v) => {
      const changes = {
        ...(v.severity !== alert.severity ? { severity: v.severity } : {}),
        ...(v.title.trim() !== alert.title ? { title: v.title.trim() } : {}),
        ...(v.body.trim() !== alert.body ? { body: v.body.trim() } : {}),
        ...(v.hours ? { expires_at: new Date(Date.now() + Number(v.hours) * 3600_000).toISOString() } : {}),
      };
      onSaved(await updateAlert(alert.id, changes));
    },
    onField: { alert_severity_forbidden: 'severity' },
  });
  return (
    <details class="card create-card" data-testid="alert-edit">
      <summary>{t('tally.edit')}</summary>
      <form class="form" onSubmit={form.onSubmit} noValidate>
        <ErrorBox error={form.errors.general} />
        <SelectField
          label={t('compose.severity')}
          value={form.values.severity}
          onValue={(value) => form.set('severity', (['info', 'warning', 'urgent'] as const).find((s) => s === value) ?? alert.severity)}
          options={(['info', 'warning', 'urgent'] as const).map((s) => ({ value: s, label: t(SEVERITY_LABEL[s]) }))}
          error={form.errors.fields.severity}
          testid="edit-severity"
        />
        <Field label={t('compose.headline')} maxLength={80} {...form.text('title')} testid="edit-title" />
        <TextArea prose label={t('compose.body')} rows={4} {...form.text('body')} testid="edit-body" />
        <SelectField
          label={t('compose.expires')}
          hint={t('detail.expires', { time: fmtTime(alert.expires_at) })}
          value={form.values.hours}
          onValue={(value) => form.set('hours', value)}
          placeholder="—"
          options={DURATIONS.map((h) => ({ value: String(h), label: h < 24 ? t('compose.hours', { n: h }) : t('compose.days', { n: h / 24 }) }))}
          error={form.errors.fields.expires_at}
          testid="edit-expires"
        />
        <SubmitButton label={t('tally.save')} busy={form.busy} testid="edit-save" />
      </form>
    </details>
  );
}

/**
 * The sender's view of an alert: answers as they come in (polled while the alert is open),
 * per team, how the pushes went, and who has not answered first, with their phone numbers.
 */
export default function AlertAnswers({ id }: { id: string }) {
  const alertId = Number(id);
  const alert = useQuery(() => getAlert(alertId), [alertId]);
  const tally = useQuery(() => getTally(alertId), [alertId]);
  const [filter, setFilter] = useState<RecipientFilter | 'all'>('none');
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const open = alert.data ? alertState(alert.data) === 'open' : false;
  usePolling(tally.reload, 5000, open || tally.data?.delivered === false);
  // The list follows the tally: when the counts change, the names are asked for again.
  const version = tally.data ? JSON.stringify(tally.data.answers) + tally.data.delivered : '';
  const recipients = usePagedQuery((page) => listRecipients(alertId, filter === 'all' ? undefined : filter, page), [alertId, filter, version]);

  // The photo follows through the outbox: say so while it does, show it once it is there.
  const photoQueued = myEntries.value.find((entry) => entry.kind === 'alert_photo' && entry.label.alert_id === alertId);
  const photoWaiting = !!photoQueued && !photoQueued.failed;
  const wasWaiting = useRef(false);
  useEffect(() => {
    if (wasWaiting.current && !photoWaiting) alert.reload();
    wasWaiting.current = photoWaiting;
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only the queue's change matters
  }, [photoWaiting]);

  const cancel = async () => {
    setError(null);
    try {
      alert.setData(await cancelAlert(alertId));
      setNotice(t('tally.cancelledNotice'));
    } catch (e) {
      setError(e);
    }
  };

  if (!alert.data)
    return (
      <Page title={t('tally.title')} back="/alerts/sent" testid="answers-page">
        {alert.needsConnection ? <NeedsConnection /> : alert.loading ? <Loading /> : <ErrorBox error={alert.error} onRetry={alert.reload} />}
      </Page>
    );
  const a = alert.data;
  return (
    <Page title={t('tally.title')} back="/alerts/sent" testid="answers-page">
      <section class="card" aria-labelledby="alert-h">
        <SeverityBanner alert={a} />
        <h2 id="alert-h" data-testid="answers-alert-title">
          {a.title}
        </h2>
        <ClosedNotice alert={a} />
        <AlertPhoto alert={a} />
        {photoWaiting && (
          <p class="needs-net" role="status" data-testid="photo-uploading">
            {t('tally.photoUploading')}
          </p>
        )}
        <AlertFacts alert={a} />
        <a href={`/alerts/${a.id}`} class="tap-link">
          {t('tally.detail')}
        </a>
      </section>
      {notice && <Notice testid="answers-notice">{notice}</Notice>}
      <ErrorBox error={error} />
      {tally.data ? <TallyView tally={tally.data} /> : tally.error ? <ErrorBox error={tally.error} onRetry={tally.reload} /> : <Loading />}

      <h2>{t('recipients.title')}</h2>
      <div class="chips" role="group" aria-label={t('recipients.title')}>
        {FILTERS.map((value) => (
          <button key={value} type="button" class="chip" aria-pressed={filter === value} onClick={() => setFilter(value)} data-testid={`recipients-${value}`}>
            {t(FILTER_LABEL[value])}
          </button>
        ))}
      </div>
      <PagedList list={recipients} empty={t('recipients.empty')} testid="recipients" row={(r) => <RecipientRow key={r.user.id} r={r} />} />

      {a.can_manage && open && (
        <>
          <EditAlert
            alert={a}
            onSaved={(saved) => {
              alert.setData(saved);
              setNotice(t('tally.updatedNotice'));
            }}
          />
          <div class="btn-row">
            <ConfirmButton label={t('tally.cancel')} confirmLabel={t('tally.confirmCancel')} onConfirm={() => void cancel()} testid="alert-cancel" />
          </div>
        </>
      )}
      <p class="center">
        <a href={capUrl(a.id)} class="tap-link" download data-testid="alert-cap">
          {t('tally.cap')} <span translate={false}>CAP 1.2</span>
        </a>
      </p>
    </Page>
  );
}
