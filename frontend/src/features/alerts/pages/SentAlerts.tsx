import '../alerts.css';
import { fmtTime } from '../../../i18n';
import { usePagedQuery } from '../../../ui/data';
import { Badge } from '../../../ui/feedback';
import { Page } from '../../../ui/Page';
import { PagedList } from '../../../ui/PagedList';
import { listSent, type Alert } from '../api';
import { alertState, SeverityBadge } from '../components/AlertParts';
import { t } from '../i18n';

const STATE_BADGE = { open: ['ok', 'sent.open'], cancelled: ['muted', 'sent.cancelled'], expired: ['muted', 'sent.expired'] } as const;

function SentRow({ alert }: { alert: Alert }) {
  const state = alertState(alert);
  const [kind, label] = STATE_BADGE[state];
  return (
    <li>
      <a href={`/alerts/${alert.id}/answers`} class="list-item list-link sent-row" data-testid={`sent-${alert.id}`} data-state={state}>
        <div class="grow">
          <p>
            <SeverityBadge severity={alert.severity} />
            <Badge kind={kind}>{t(label)}</Badge>
            {!alert.delivered_at && state === 'open' && <Badge kind="warn">{t('sent.delivering')}</Badge>}
          </p>
          <p class="item-title">{alert.title}</p>
          <p class="muted">
            {fmtTime(alert.created_at)} · {alert.unit.name} · {t('sent.people', { n: alert.recipients_total })}
          </p>
        </div>
        <span aria-hidden="true" class="chev">
          ›
        </span>
      </a>
    </li>
  );
}

/** Alerts I sent, and those sent within the units I oversee; each opens its live answers. */
export default function SentAlerts() {
  const list = usePagedQuery((page) => listSent(page), []);
  return (
    <Page title={t('sent.title')} back="/" testid="sent-page">
      <div class="btn-col">
        <a href="/alerts/new" class="btn btn-primary btn-block" data-testid="sent-new">
          {t('sent.new')}
        </a>
      </div>
      <PagedList list={list} empty={t('sent.empty')} testid="sent-list" row={(alert) => <SentRow key={alert.id} alert={alert} />} />
    </Page>
  );
}
