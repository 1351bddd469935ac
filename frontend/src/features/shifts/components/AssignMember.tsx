import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../../api/errors';
import { ActionButton, SubmitButton } from '../../../ui/buttons';
import { useQuery } from '../../../ui/data';
import { ErrorBox, Notice } from '../../../ui/feedback';
import { Field } from '../../../ui/fields';
import { problem, useForm } from '../../../ui/form';
import { formatPhone } from '../../../ui/labels';
import { t as tc } from '../../../i18n/common';
import { errorText } from '../../../i18n/errors/text';
import { assignMember, searchMembers, type ShiftDetail } from '../api';
import { t } from '../i18n';
import { teamOf } from './bits';

/** Refusals a coordinator may set aside with a reason (the places themselves never). */
const OVERRIDABLE = new Set(['signup_not_open', 'signup_closed', 'overlap', 'rest_too_short', 'weekly_cap']);

type Person = { id: number; display_name: string };

function Override(props: { shift: ShiftDetail; person: Person; refusal: ApiError; onDone: (detail: ShiftDetail) => void; onCancel: () => void }) {
  const form = useForm({
    initial: { reason: '' },
    validate: (v) => ({ reason: v.reason.trim().length >= 2 ? undefined : problem(v.reason.trim() ? 'too_short' : 'required', { min: 2 }) }),
    submit: async (v) => props.onDone(await assignMember(props.shift.id, props.person.id, v.reason.trim())),
    onField: { validation_failed: 'reason' },
  });
  return (
    <form class="override-box" onSubmit={form.onSubmit} noValidate data-testid="override">
      <p class="item-title">{t('manage.overrideTitle', { name: props.person.display_name })}</p>
      <p data-testid="override-rule">{errorText(props.refusal)}</p>
      <p class="hint">{t('manage.overrideHint')}</p>
      <ErrorBox error={form.errors.general} />
      <Field label={t('manage.reason')} maxLength={200} {...form.text('reason')} testid="override-reason" />
      <div class="btn-row">
        <SubmitButton label={t('manage.overrideSubmit')} busy={form.busy} class="btn btn-primary" testid="override-submit" />
        <button type="button" class="btn btn-secondary" onClick={props.onCancel}>
          {tc('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/** Search the members who may take the shift, and put one on it; a rule refusal offers the override. */
export function AssignMember(props: { shift: ShiftDetail; onAssigned: (detail: ShiftDetail) => void }) {
  const { shift } = props;
  const [q, setQ] = useState('');
  const [typed, setTyped] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setQ(typed.trim()), 300);
    return () => clearTimeout(timer);
  }, [typed]);
  const team = teamOf(shift);
  const results = useQuery(() => searchMembers(q, team?.id), [q, team?.id]);
  const [busy, setBusy] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [override, setOverride] = useState<{ person: Person; refusal: ApiError } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const on = new Set(shift.signups.filter((s) => s.status !== 'dropped').map((s) => s.user.id));

  const assign = async (person: Person) => {
    setBusy(person.id);
    setError(null);
    setDone(null);
    setOverride(null);
    try {
      props.onAssigned(await assignMember(shift.id, person.id));
      setDone(t('manage.assigned', { name: person.display_name }));
    } catch (e) {
      if (e instanceof ApiError && OVERRIDABLE.has(e.error)) setOverride({ person, refusal: e });
      else setError(e);
    } finally {
      setBusy(null);
    }
  };

  const people = (results.data?.items ?? []).filter((p) => !on.has(p.id));
  return (
    <section aria-labelledby="assign-h" data-testid="assign">
      <h3 id="assign-h">{t('manage.assign')}</h3>
      <Field label={t('manage.search')} hint={t('manage.searchHint')} value={typed} onValue={setTyped} maxLength={40} testid="assign-search" />
      {done && <Notice testid="assign-done">{done}</Notice>}
      <ErrorBox error={error} testid="assign-error" />
      {override && (
        <Override
          shift={shift}
          person={override.person}
          refusal={override.refusal}
          onCancel={() => setOverride(null)}
          onDone={(detail) => {
            setDone(t('manage.assigned', { name: override.person.display_name }));
            setOverride(null);
            props.onAssigned(detail);
          }}
        />
      )}
      {results.error !== undefined && !results.loading && <ErrorBox error={results.error} onRetry={results.reload} />}
      {results.data && people.length === 0 && <p class="muted">{t('manage.noMatch')}</p>}
      <ul class="people" data-testid="assign-results">
        {people.map((person) => (
          <li key={person.id}>
            <span class="person-name">
              {person.display_name} <span class="muted small nowrap">{formatPhone(person.phone)}</span>
            </span>
            <ActionButton class="btn btn-secondary btn-small" busy={busy === person.id} onClick={() => assign(person)} testid={`assign-${person.id}`}>
              {t('manage.assignTo')}
            </ActionButton>
          </li>
        ))}
      </ul>
    </section>
  );
}
