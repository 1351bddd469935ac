import { ApiError } from '../../../api/errors';
import { fmtTime, locale } from '../../../i18n';
import { errorText } from '../../../i18n/errors/text';
import { discard, myEntries, outboxBusy, outboxUnavailable, retry, type OutboxEntry } from '../../../outbox/page';
import { ActionButton, ConfirmButton } from '../../../ui/buttons';
import { ErrorBox } from '../../../ui/feedback';
import { Page } from '../../../ui/Page';
import { t as ta } from '../../alerts/i18n';
import { ANSWER_LABEL } from '../../alerts/labels';
import { shiftWhen } from '../../shifts/when';
import { t } from '../i18n';

/** What an entry is, in words; a kind this version does not know shows as it is. */
function describe(entry: OutboxEntry): { text: string; href?: string } {
  const { label } = entry;
  if (entry.kind === 'alert_answer' && (label.answer === 'on_my_way' || label.answer === 'cannot_come'))
    return { text: t('outbox.alertAnswer', { title: String(label.title ?? ''), answer: ta(ANSWER_LABEL[label.answer]) }), href: `/alerts/${label.alert_id}` };
  if (entry.kind === 'alert_photo') return { text: t('outbox.alertPhoto', { title: String(label.title ?? '') }), href: `/alerts/${label.alert_id}/answers` };
  if ((entry.kind === 'check_in' || entry.kind === 'check_out') && typeof label.starts_at === 'string' && typeof label.ends_at === 'string') {
    const shift = `${shiftWhen(label.starts_at, label.ends_at, locale.value)} ${label.area ?? ''}`.trim();
    return { text: t(entry.kind === 'check_in' ? 'outbox.checkIn' : 'outbox.checkOut', { shift }), href: `/shifts/${label.shift_id}` };
  }
  if (entry.kind === 'report') return { text: t('outbox.report', { category: String(label.category ?? '') }), href: '/reports/mine' };
  if (entry.kind === 'report_photo')
    return {
      text: t('outbox.reportPhoto', { category: String(label.category ?? ''), n: Number(label.n ?? 1), of: Number(label.of ?? 1) }),
      href: label.report_id ? `/reports/${label.report_id}` : '/reports/mine',
    };
  if (entry.kind === 'report_resolve') return { text: t('outbox.reportResolve', { category: String(label.category ?? '') }), href: `/reports/${label.report_id}` };
  return { text: entry.kind };
}

const WAITING = { network: 'outbox.network', server: 'outbox.server', rate: 'outbox.rate', signin: 'outbox.signin' } as const;

function Entry({ entry }: { entry: OutboxEntry }) {
  const { text, href } = describe(entry);
  return (
    <li class="list-item list-item-col" data-testid={`outbox-${entry.key}`} data-state={entry.failed ? 'failed' : 'pending'}>
      <p class="item-title">{href ? <a href={href}>{text}</a> : text}</p>
      <p class="muted small">
        {t('outbox.created', { time: fmtTime(new Date(entry.createdAt).toISOString()) })}
        {entry.attempts > 0 && <> · {t('outbox.attempts', { n: entry.attempts })}</>}
      </p>
      {entry.failed ? (
        <ErrorBox error={t('outbox.failed', { reason: errorText(new ApiError(entry.failed.status, entry.failed.error)) })} testid="outbox-failed" />
      ) : (
        <p class="needs-net">{t(entry.waiting ? WAITING[entry.waiting] : 'outbox.queued')}</p>
      )}
      <div class="btn-row">
        {entry.failed && (
          <ActionButton onClick={() => void retry(entry)} testid="outbox-retry">
            {t('outbox.retry')}
          </ActionButton>
        )}
        <ConfirmButton label={t('outbox.discard')} confirmLabel={t('outbox.confirmDiscard')} onConfirm={() => void discard(entry)} testid="outbox-discard" />
      </div>
    </li>
  );
}

/** Everything this person did that has not reached the server yet, and why. */
export default function Outbox() {
  const entries = myEntries.value;
  const waiting = entries.some((entry) => !entry.failed);
  return (
    <Page title={t('outbox.title')} back="/" testid="outbox-page">
      <p>{t('outbox.intro')}</p>
      {outboxUnavailable.value && <ErrorBox error={t('outbox.unavailable')} />}
      {entries.length === 0 ? (
        <p class="empty" data-testid="outbox-empty">
          {t('outbox.empty')}
        </p>
      ) : (
        <ul class="list" data-testid="outbox-list">
          {entries.map((entry) => (
            <Entry key={entry.key} entry={entry} />
          ))}
        </ul>
      )}
      {waiting && (
        // Not disabled offline: the phone may have signal before the app has noticed.
        <button type="button" class="btn btn-primary btn-block" onClick={() => void retry()} disabled={outboxBusy.value} data-testid="outbox-send-now">
          {outboxBusy.value && <span class="spinner spinner-light" aria-hidden="true" />}
          {t('outbox.sendNow')}
        </button>
      )}
    </Page>
  );
}
