import { t } from '../../../i18n/common';
import { unread } from '../unread';

const BELL =
  'M12 22a2 2 0 0 0 2-2h-4a2 2 0 0 0 2 2zm6-6v-5c0-3.1-1.6-5.6-4.5-6.3V4a1.5 1.5 0 0 0-3 0v.7C7.6 5.4 6 7.9 6 11v5l-2 2v1h16v-1z';

/** The header's bell: the unread count, and the way to the inbox. */
export function Bell() {
  const n = unread.value ?? 0;
  return (
    <a href="/notifications" class="topbtn bell" data-testid="nav-bell" aria-label={n ? t('nav.inboxUnread', { n }) : t('nav.inbox')}>
      <svg viewBox="0 0 24 24" width="26" height="26" aria-hidden="true">
        <path fill="currentColor" d={BELL} />
      </svg>
      {n > 0 && (
        <span class="bell-count" data-testid="bell-count" aria-hidden="true">
          {n > 99 ? '99+' : n}
        </span>
      )}
    </a>
  );
}
