import '../notifications.css';
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { ApiError } from '../../../api/errors';
import { fmtTime } from '../../../i18n';
import { storage } from '../../../lib/storage';
import { ActionButton } from '../../../ui/buttons';
import { usePagedQuery } from '../../../ui/data';
import { ErrorBox, Info } from '../../../ui/feedback';
import { Page } from '../../../ui/Page';
import { PagedList } from '../../../ui/PagedList';
import { SeverityBadge } from '../../alerts/components/AlertParts';
import { USER_KEY_PREFIX } from '../../session/userData';
import { listNotifications, markAllRead, markRead, type Notification } from '../api';
import { notifications, t } from '../i18n';
import { KIND_LABEL } from '../labels';
import { pollUnread, unread } from '../unread';

const text = (payload: Notification['payload'], key: string): string => {
  const value = payload[key];
  return typeof value === 'string' ? value : '';
};

type Key = Parameters<typeof t>[0];

function paramsOf(value: unknown): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  if (typeof value === 'object' && value !== null)
    for (const [k, v] of Object.entries(value)) if (typeof v === 'string' || typeof v === 'number') out[k] = v;
  return out;
}

/** The reader's own words for a row the server sent as a key (reports, exports), if this app knows them. */
function wordsKey(n: Notification): Key | null {
  const key = `words.${text(n.payload, 'text_key')}`;
  return notifications.has(key) ? (key as Key) : null;
}

/** The title in the reader's language where the server sent its own words as a key; else as sent. */
function titleOf(n: Notification): string {
  const key = wordsKey(n);
  return key ? t(key, paramsOf(n.payload.text_params)) : text(n.payload, 'title');
}

function bodyOf(n: Notification): string {
  const params = paramsOf(n.payload.text_params);
  if (n.kind === 'export_ready' && typeof params.rows === 'number') return t('words.export_ready.body', { ...params, n: params.rows });
  return text(n.payload, 'body');
}

/**
 * The language the server wrote a row's words in (reminders and changes are written in the
 * reader's language of the day), so a row from before a language switch is marked as such.
 */
function writtenIn(n: Notification): string | undefined {
  return (!wordsKey(n) && text(n.payload, 'lang')) || undefined;
}

/** A file to download (an export), not a screen. */
const fileOf = (n: Notification) => {
  const url = text(n.payload, 'url');
  return url.startsWith('/api/v1/') ? url : null;
};

const SEVERITIES = ['info', 'warning', 'urgent'] as const;
const severityOf = (n: Notification) => SEVERITIES.find((s) => s === n.payload.severity) ?? null;

// Screens the app has (the inbox itself aside); a link to another (a later domain's) is not followed from here.
const OPENS_IN_APP = /^\/(alerts\/\d+|shifts\/(\d+(\/attendance)?|open)|reports\/\d+)(\?|$)/;
const linkOf = (n: Notification) => {
  const url = text(n.payload, 'url');
  return OPENS_IN_APP.test(url) ? url : null;
};

/** The first page of the inbox, kept on the phone (the user's own data) so it opens without signal. */
const SAVED_KEY = USER_KEY_PREFIX + 'inbox';
function saved(): Notification[] | null {
  try {
    const value: unknown = JSON.parse(storage.get(SAVED_KEY) ?? 'null');
    return Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

function Row({ n, onOpen }: { n: Notification; onOpen: (n: Notification) => void }) {
  const severity = severityOf(n);
  const link = linkOf(n);
  const unreadRow = n.read_at === null;
  const lang = writtenIn(n);
  const body = (
    <>
      <p class="inbox-meta">
        {severity && n.kind !== 'alert_cancelled' && <SeverityBadge severity={severity} />}
        <span class="inbox-kind">{t(KIND_LABEL[n.kind])}</span>
        <span class="muted inbox-time">{fmtTime(n.created_at)}</span>
      </p>
      <p class="item-title">
        {unreadRow && <span class="unread-dot" aria-label={t('inbox.unreadMark')} role="img" />}
        <span lang={lang}>{titleOf(n)}</span>
      </p>
      {bodyOf(n) && (
        <p class={'inbox-body' + (link ? ' clamp' : '')} lang={lang}>
          {bodyOf(n)}
        </p>
      )}
    </>
  );
  const cls = 'list-item list-item-col inbox-row' + (unreadRow ? ' is-unread' : '') + (n.kind === 'alert_cancelled' ? ' is-cancelled' : '');
  return (
    <li key={n.id}>
      {link ? (
        <a href={link} class={cls + ' list-link'} onClick={() => onOpen(n)} data-testid={`inbox-${n.id}`} data-kind={n.kind} data-unread={unreadRow}>
          {body}
        </a>
      ) : (
        <div class={cls} data-testid={`inbox-${n.id}`} data-kind={n.kind} data-unread={unreadRow}>
          {body}
          {fileOf(n) && (
            <a href={fileOf(n)!} class="btn btn-secondary btn-small inbox-read" download onClick={() => onOpen(n)} data-testid={`inbox-file-${n.id}`}>
              {t('inbox.download')}
            </a>
          )}
          {unreadRow && !fileOf(n) && (
            <button type="button" class="btn btn-secondary btn-small inbox-read" onClick={() => onOpen(n)} data-testid={`inbox-read-${n.id}`}>
              {t('inbox.markRead')}
            </button>
          )}
        </div>
      )}
    </li>
  );
}

/** Everything ever sent to me, newest first; the truth whether or not a push arrived. */
export default function Inbox() {
  const { query, route } = useLocation();
  const onlyUnread = query.show === 'unread';
  const [fromPhone, setFromPhone] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const list = usePagedQuery(async (page) => {
    try {
      const result = await listNotifications(page, onlyUnread);
      if (page === 1 && !onlyUnread) storage.set(SAVED_KEY, JSON.stringify(result.items));
      setFromPhone(false);
      return result;
    } catch (e) {
      const copy = page === 1 && !onlyUnread && e instanceof ApiError && e.network ? saved() : null;
      if (!copy) throw e;
      setFromPhone(true);
      return { items: copy, pagination: null };
    }
  }, [onlyUnread]);

  const setRead = (ids: number[] | 'all') =>
    list.setItems((items) =>
      items.filter((n) => !onlyUnread || (ids !== 'all' && !ids.includes(n.id))).map((n) => (ids === 'all' || ids.includes(n.id) ? { ...n, read_at: n.read_at ?? new Date().toISOString() } : n)),
    );

  const open = (n: Notification) => {
    if (n.read_at !== null) return;
    setRead([n.id]);
    markRead(n.id).then(() => pollUnread(), setError);
  };
  const readAll = async () => {
    setError(null);
    try {
      await markAllRead();
      setRead('all');
      await pollUnread();
    } catch (e) {
      setError(e);
    }
  };
  const anyUnread = (unread.value ?? 0) > 0 || list.items.some((n) => n.read_at === null);

  return (
    <Page title={t('inbox.title')} back="/" testid="inbox-page">
      <p class="muted">{t('inbox.truth')}</p>
      <div class="segmented inbox-filter" role="group" aria-label={t('inbox.title')}>
        {[false, true].map((value) => (
          <button
            key={String(value)}
            type="button"
            class={'seg' + (onlyUnread === value ? ' seg-on' : '')}
            aria-pressed={onlyUnread === value}
            onClick={() => route(value ? '/notifications?show=unread' : '/notifications', true)}
            data-testid={value ? 'inbox-show-unread' : 'inbox-show-all'}
          >
            {value ? t('inbox.unread') : t('inbox.all')}
          </button>
        ))}
      </div>
      {fromPhone && <Info testid="inbox-saved">{t('inbox.saved')}</Info>}
      <ErrorBox error={error} />
      {anyUnread && !fromPhone && (
        <div class="btn-row">
          <ActionButton onClick={() => void readAll()} testid="inbox-read-all">
            {t('inbox.readAll')}
          </ActionButton>
        </div>
      )}
      <PagedList list={list} empty={onlyUnread ? t('inbox.emptyUnread') : t('inbox.empty')} testid="inbox-list" row={(n) => <Row key={n.id} n={n} onOpen={open} />} />
    </Page>
  );
}
