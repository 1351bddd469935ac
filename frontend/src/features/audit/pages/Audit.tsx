import { useState } from 'preact/hooks';
import type { Schemas } from '../../../api/types';
import { fmtTime } from '../../../i18n';
import { t as tc } from '../../../i18n/common';
import { usePagedQuery } from '../../../ui/data';
import { Field, SelectField } from '../../../ui/fields';
import { Page } from '../../../ui/Page';
import { PagedList } from '../../../ui/PagedList';
import { listAuditEvents } from '../api';
import { auditQuery, type AuditFilters } from '../filters';
import { audit, t } from '../i18n';

type AuditEvent = Schemas['AuditEvent'];

const SUBJECTS = ['user', 'team', 'unit', 'area', 'invite'] as const;
const ACTIONS = [
  'sign_in',
  'sign_in_failed',
  'sign_out',
  'session_ended',
  'sessions_ended',
  'password_changed',
  'password_change_failed',
  'password_reset_issued',
  'password_reset_used',
  'registered',
  'account_approved',
  'account_rejected',
  'account_deactivated',
  'account_reactivated',
  'role_granted',
  'role_revoked',
  'invite_created',
  'invite_revoked',
  'team_joined',
  'team_join_requested',
  'team_join_approved',
  'team_join_rejected',
  'team_leader_set',
  'team_leader_unset',
  'unit_created',
  'unit_updated',
  'team_created',
  'team_updated',
  'area_created',
  'area_updated',
] as const;

/** The action's name in the UI language; an action newer than this app shows its id. */
function actionLabel(action: string): string {
  const key = `action.${action}`;
  return audit.has(key) ? t(key) : action;
}

function subjectLabel(type: string): string {
  const key = `subject.${type}`;
  return audit.has(key) ? t(key) : type;
}

/** Simple details (role, reason, what changed) as "key: value"; nested data stays out. */
function details(data: AuditEvent['data']): string {
  return Object.entries(data)
    .filter(([, value]) => ['string', 'number', 'boolean'].includes(typeof value))
    .map(([key, value]) => `${key}: ${String(value)}`)
    .join(' · ');
}

const NO_FILTERS: AuditFilters = { action: '', subject_type: '', since: '', until: '' };

export default function Audit() {
  const [draft, setDraft] = useState<AuditFilters>(NO_FILTERS);
  const [filters, setFilters] = useState<AuditFilters>(NO_FILTERS);
  const list = usePagedQuery((page) => listAuditEvents({ ...auditQuery(filters), page, page_size: 30 }), [JSON.stringify(filters)]);
  const edit = (name: keyof AuditFilters) => (value: string) => setDraft((old) => ({ ...old, [name]: value }));

  return (
    <Page title={t('audit.title')} back="/" testid="audit-page">
      <details class="card create-card">
        <summary data-testid="audit-filters">{t('audit.filters')}</summary>
        <form
          class="form"
          onSubmit={(e) => {
            e.preventDefault();
            setFilters(draft);
          }}
        >
          <SelectField
            label={t('audit.action')}
            value={draft.action}
            onValue={edit('action')}
            placeholder={t('audit.anyAction')}
            options={ACTIONS.map((action) => ({ value: action, label: actionLabel(action) }))}
            testid="audit-action"
          />
          <SelectField
            label={t('audit.subject')}
            value={draft.subject_type}
            onValue={edit('subject_type')}
            placeholder={t('audit.anySubject')}
            options={SUBJECTS.map((type) => ({ value: type, label: subjectLabel(type) }))}
            testid="audit-subject"
          />
          <Field type="date" label={t('audit.since')} value={draft.since} onValue={edit('since')} testid="audit-since" />
          <Field type="date" label={t('audit.until')} value={draft.until} onValue={edit('until')} testid="audit-until" />
          <div class="btn-row">
            <button type="submit" class="btn btn-primary" data-testid="audit-apply">
              {t('audit.apply')}
            </button>
            <button
              type="button"
              class="btn btn-secondary"
              onClick={() => {
                setDraft(NO_FILTERS);
                setFilters(NO_FILTERS);
              }}
            >
              {t('audit.clear')}
            </button>
          </div>
        </form>
      </details>
      <PagedList
        list={list}
        testid="audit-list"
        empty={t('audit.empty')}
        row={(event) => (
          <li key={event.id} class="list-item list-item-col" data-testid={`audit-${event.id}`} data-action={event.action}>
            <p class="item-title">{actionLabel(event.action)}</p>
            <p class="muted small">{fmtTime(event.at)}</p>
            <p>{event.actor && 'display_name' in event.actor ? t('audit.by', { name: event.actor.display_name }) : t('audit.byNobody')}</p>
            <p class="muted small">
              {[
                event.subject_type && event.subject_id !== null ? t('audit.about', { type: subjectLabel(event.subject_type), id: event.subject_id }) : null,
                event.unit && 'name' in event.unit ? event.unit.name : null,
                event.ip ? t('audit.ip', { ip: event.ip }) : null,
              ]
                .filter(Boolean)
                .join(tc('fmt.listSep'))}
            </p>
            {details(event.data) && (
              <p class="muted small" translate={false}>
                {details(event.data)}
              </p>
            )}
          </li>
        )}
      />
    </Page>
  );
}
