import { useState } from 'preact/hooks';
import { me } from '../../session/state';
import { dismissPushOffer, enablePush, pushOffered, pushSupport, type EnableResult } from '../push';
import { t } from '../i18n';

const RESULT_TEXT = { denied: 'push.denied', 'no-service': 'push.noService', unsupported: 'push.unsupported', on: 'pushCard.done' } as const;

/**
 * "Allow notifications", offered once on home after signing in (journey 1): the permission is
 * asked only after the tap, with why; without Push the card says plainly that the inbox works.
 */
export function PushCard() {
  const account = me.value;
  const [shown, setShown] = useState(() => !!account && pushOffered(account.id));
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<EnableResult | null>(null);
  if (!account || !shown) return null;
  const unsupported = pushSupport() === 'unsupported';
  const close = () => {
    dismissPushOffer(account.id);
    setShown(false);
  };
  const enable = async () => {
    setBusy(true);
    try {
      setResult(await enablePush());
    } catch {
      setResult('no-service');
    } finally {
      setBusy(false);
      dismissPushOffer(account.id);
    }
  };
  const message = unsupported ? 'push.unsupported' : result ? RESULT_TEXT[result] : 'pushCard.body';
  return (
    <section class="card push-card" aria-labelledby="push-card-h" data-testid="push-card" data-state={unsupported ? 'unsupported' : (result ?? 'offer')}>
      <h2 id="push-card-h">{t('pushCard.title')}</h2>
      <p role={result ? 'status' : undefined}>{t(message)}</p>
      <div class="btn-row">
        {!unsupported && !result && (
          <button type="button" class="btn btn-primary" disabled={busy} onClick={() => void enable()} data-testid="push-card-enable">
            {busy ? t('push.enabling') : t('push.enable')}
          </button>
        )}
        <button type="button" class="btn btn-secondary" onClick={close} data-testid="push-card-close">
          {unsupported || result ? t('pushCard.ok') : t('pushCard.later')}
        </button>
      </div>
    </section>
  );
}
