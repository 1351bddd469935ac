import { useState } from 'preact/hooks';
import { offline } from '../../../api/connectivity';
import { ApiError } from '../../../api/errors';
import { fmtTime } from '../../../i18n';
import { errorText } from '../../../i18n/errors/text';
import { ErrorBox } from '../../../ui/feedback';
import { discard, myEntries, retry, type OutboxEntry } from '../../../outbox/page';
import { queueAnswer, type AlertDetail, type Answer } from '../api';
import { t } from '../i18n';
import { ANSWER_LABEL } from '../labels';
import { alertState } from './AlertParts';

const isAnswer = (value: unknown): value is Answer => value === 'on_my_way' || value === 'cannot_come';

/** This alert's answers still on the phone (waiting for signal, or refused), oldest first. */
export function queuedAnswers(alertId: number): OutboxEntry[] {
  return myEntries.value.filter((entry) => entry.kind === 'alert_answer' && entry.label.alert_id === alertId);
}

/**
 * "On my way" / "Can't come": the two largest targets on the screen. The answer goes through
 * the outbox, so it is kept when there is no signal and sent once when there is.
 */
export function AnswerCard({ alert, onSent }: { alert: AlertDetail; onSent: () => void }) {
  const [error, setError] = useState<unknown>(null);
  const mine = alert.mine && 'seen_at' in alert.mine ? alert.mine : null;
  if (!mine) return null;
  const queued = queuedAnswers(alert.id);
  const latest = queued.at(-1);
  const pending = latest && !latest.failed && isAnswer(latest.label.answer) ? latest.label.answer : null;
  const shown = pending ?? mine.answer;
  const open = alertState(alert) === 'open';

  const choose = async (answer: Answer) => {
    setError(null);
    try {
      // A newer answer replaces one that has not gone out yet.
      for (const earlier of queued) await discard(earlier);
      if ((await queueAnswer(alert, answer)) === 'sent') onSent();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section class="card answer-card" aria-labelledby="answer-h" data-testid="answer-card">
      <h2 id="answer-h">{open ? t('detail.question') : t('detail.mine', { answer: shown ? t(ANSWER_LABEL[shown]) : t('answer.seen') })}</h2>
      {open && (
        <div class="answer-buttons">
          <button type="button" class="btn answer-btn answer-go" aria-pressed={shown === 'on_my_way'} onClick={() => void choose('on_my_way')} data-testid="answer-on-my-way">
            {t('answer.on_my_way')}
          </button>
          <button type="button" class="btn answer-btn answer-no" aria-pressed={shown === 'cannot_come'} onClick={() => void choose('cannot_come')} data-testid="answer-cannot-come">
            {t('answer.cannot_come')}
          </button>
        </div>
      )}
      <ErrorBox error={error} />
      {latest?.failed ? (
        <div class="alert alert-error answer-state" role="alert" data-testid="answer-failed">
          <p>{t('detail.failed', { reason: errorText(new ApiError(latest.failed.status, latest.failed.error)) })}</p>
          {open && (
            <button type="button" class="btn btn-secondary btn-small" onClick={() => void retry(latest)}>
              {t('detail.retry')}
            </button>
          )}
        </div>
      ) : pending ? (
        <p class="answer-state answer-queued" role="status" data-testid="answer-queued">
          {offline.value ? t('detail.queued') : t('detail.sending')}
        </p>
      ) : (
        open &&
        mine.answer && (
          <p class="answer-state" role="status" data-testid="answer-mine">
            {t('detail.mine', { answer: t(ANSWER_LABEL[mine.answer]) })}
            {mine.answered_at && <span class="muted"> · {fmtTime(mine.answered_at)}</span>}
          </p>
        )
      )}
    </section>
  );
}
