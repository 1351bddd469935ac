import { offline } from '../../../api/connectivity';
import { t } from '../../../i18n/common';
import { outboxBusy, outboxSummary } from '../../../outbox/page';

const UPLOAD = 'M19.4 10A7.5 7.5 0 0 0 5.4 8 6 6 0 0 0 6 20h13a5 5 0 0 0 .4-10zM14 13v4h-4v-4H7l5-5 5 5z';

/** Under the header: how many writes wait on this phone, and the way to them. */
export function OutboxBar() {
  const { pending, failed, signin } = outboxSummary.value;
  if (!pending && !failed) return null;
  const text = failed
    ? t('outbox.failed', { n: failed })
    : signin
      ? t('outbox.signin', { n: signin })
      : outboxBusy.value && !offline.value
        ? t('outbox.sending', { n: pending })
        : t('outbox.waiting', { n: pending });
  return (
    <div role="status">
    <a href="/outbox" class={'outbox-bar' + (failed ? ' outbox-bar-failed' : '')} data-testid="outbox-bar">
      <span class="outbox-count" data-testid="outbox-count">
        {failed || pending}
      </span>
      <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
        <path fill="currentColor" d={UPLOAD} />
      </svg>
      <span class="grow">{text}</span>
      <span aria-hidden="true" class="chev">
        ›
      </span>
    </a>
    </div>
  );
}
