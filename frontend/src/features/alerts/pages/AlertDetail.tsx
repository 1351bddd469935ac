import '../alerts.css';
import { useEffect, useRef } from 'preact/hooks';
import { useQuery } from '../../../ui/data';
import { ErrorBox } from '../../../ui/feedback';
import { Loading, NeedsConnection, Page } from '../../../ui/Page';
import { getAlert, markSeen } from '../api';
import { AlertFacts, AlertPhoto, AlertPlace, alertState, ClosedNotice, SeverityBanner } from '../components/AlertParts';
import { AnswerCard, queuedAnswers } from '../components/AnswerCard';
import { t } from '../i18n';

/**
 * One alert as its recipient sees it: how urgent, what, where, until when, and the two large
 * answers. Opening it records "seen". A cancelled or expired alert says so and takes no answers.
 */
export default function AlertDetail({ id }: { id: string }) {
  const alertId = Number(id);
  const query = useQuery(() => getAlert(alertId), [alertId]);
  const alert = query.data;

  const mine = alert?.mine && 'seen_at' in alert.mine ? alert.mine : null;
  const unseen = !!mine && mine.seen_at === null && !!alert?.is_open;
  useEffect(() => {
    if (unseen) markSeen(alertId).catch(() => undefined);
  }, [unseen, alertId]);

  // Once a queued answer has gone out, show the server's record of it.
  const waiting = queuedAnswers(alertId).some((entry) => !entry.failed);
  const wasWaiting = useRef(false);
  useEffect(() => {
    if (wasWaiting.current && !waiting) query.reload();
    wasWaiting.current = waiting;
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only the queue's change matters
  }, [waiting]);

  if (!alert)
    return (
      <Page title={t('detail.title')} back="/notifications" testid="alert-page">
        {query.needsConnection ? <NeedsConnection /> : query.loading ? <Loading /> : <ErrorBox error={query.error} onRetry={query.reload} />}
      </Page>
    );
  return (
    <Page title={alert.title} back="/notifications" testid="alert-page">
      <SeverityBanner alert={alert} />
      <ClosedNotice alert={alert} />
      <p class="alert-body" data-testid="alert-body">
        {alert.body}
      </p>
      <AlertPhoto alert={alert} />
      <AlertFacts alert={alert} />
      <AnswerCard alert={alert} onSent={query.reload} />
      <AlertPlace alert={alert} />
      {alert.can_manage && (
        <a href={`/alerts/${alert.id}/answers`} class="btn btn-secondary btn-block" data-testid="alert-see-answers" data-state={alertState(alert)}>
          {t('detail.answers')}
        </a>
      )}
    </Page>
  );
}
