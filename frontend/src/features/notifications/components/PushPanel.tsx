import '../notifications.css';
import { useState } from 'preact/hooks';
import { ActionButton } from '../../../ui/buttons';
import { ErrorBox, Info, Notice } from '../../../ui/feedback';
import { removeSubscription, sendTestPush, type PushSubscriptionRow } from '../api';
import { disableLocalPush, enablePush, pushState } from '../push';
import { t } from '../i18n';

const RESULT_TEXT = { denied: 'push.denied', 'no-service': 'push.noService', unsupported: 'push.unsupported', on: 'push.on' } as const;

/**
 * Push on this phone, in Settings beside the signed-in devices: turn it on (after a tap, with
 * why) or off, and send a test. Without Push, a plain word that the inbox still works.
 */
export function PushPanel(props: { mine: PushSubscriptionRow | null; onChange: () => void }) {
  const [busy, setBusy] = useState<'enable' | 'disable' | 'test' | null>(null);
  const [message, setMessage] = useState<{ text: string; ok: boolean } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const support = pushState.value;

  const run = async (which: 'enable' | 'disable' | 'test', action: () => Promise<void>) => {
    setBusy(which);
    setError(null);
    setMessage(null);
    try {
      await action();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  const enable = () =>
    run('enable', async () => {
      const result = await enablePush();
      setMessage({ text: t(RESULT_TEXT[result]), ok: result === 'on' });
      props.onChange();
    });
  const disable = () =>
    run('disable', async () => {
      await disableLocalPush();
      if (props.mine) await removeSubscription(props.mine.id);
      setMessage({ text: t('push.off'), ok: true });
      props.onChange();
    });
  const test = () =>
    run('test', async () => {
      const sent = await sendTestPush();
      setMessage({ text: t(sent.push_status === 'none' ? 'push.testInboxOnly' : 'push.testSent'), ok: true });
    });

  return (
    <section class="card push-panel" aria-labelledby="push-h" data-testid="push-panel" data-support={support} data-on={!!props.mine}>
      <h2 id="push-h">{t('push.title')}</h2>
      {support === 'unsupported' ? (
        <Info testid="push-unsupported">{t('push.unsupported')}</Info>
      ) : support === 'denied' && !props.mine ? (
        <Info testid="push-denied">{t('push.denied')}</Info>
      ) : props.mine ? (
        <p class="item-title" data-testid="push-on">
          {t('push.on')}
        </p>
      ) : (
        <p>{t('push.why')}</p>
      )}
      {message && (message.ok ? <Notice testid="push-message">{message.text}</Notice> : <Info testid="push-message">{message.text}</Info>)}
      <ErrorBox error={error} />
      <div class="btn-col">
        {support !== 'unsupported' && support !== 'denied' && !props.mine && (
          <ActionButton class="btn btn-primary btn-block" onClick={() => void enable()} busy={busy === 'enable'} testid="push-enable">
            {busy === 'enable' ? t('push.enabling') : t('push.enable')}
          </ActionButton>
        )}
        <ActionButton class="btn btn-secondary btn-block" onClick={() => void test()} busy={busy === 'test'} testid="push-test">
          {t('push.test')}
        </ActionButton>
        {props.mine && (
          <ActionButton class="btn btn-danger-outline btn-block" onClick={() => void disable()} busy={busy === 'disable'} testid="push-disable">
            {t('push.disable')}
          </ActionButton>
        )}
      </div>
      <p class="muted small">{t('push.bestEffort')}</p>
      {message?.ok && support !== 'unsupported' && (
        <a href="/notifications" class="tap-link">
          {t('push.openInbox')}
        </a>
      )}
    </section>
  );
}
