import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import type { Schemas } from '../../../api/types';
import { SubmitButton } from '../../../ui/buttons';
import { useQuery } from '../../../ui/data';
import { ErrorBox, Notice } from '../../../ui/feedback';
import { Field, Toggle } from '../../../ui/fields';
import { problem, useForm } from '../../../ui/form';
import { Loading, NeedsConnection, Page } from '../../../ui/Page';
import { getRules, setRules, unitsInScope } from '../api';
import { pickUnit, UnitPicker } from '../components/UnitPicker';
import { t } from '../i18n';

const NUMBERS = ['signup_opens_days', 'signup_closes_hours', 'drop_cutoff_hours', 'min_rest_hours', 'weekly_hours_cap', 'leader_release_hours'] as const;
type NumberRule = (typeof NUMBERS)[number];
type Values = Record<NumberRule, string> & { swap_needs_approval: boolean };

function RulesForm({ unitId, rules }: { unitId: number; rules: Schemas['Rules'] }) {
  const [saved, setSaved] = useState(false);
  const start = Object.fromEntries(NUMBERS.map((name) => [name, String(rules[name] ?? '')])) as Record<NumberRule, string>;
  const form = useForm<Values>({
    initial: { ...start, swap_needs_approval: rules.swap_needs_approval ?? true },
    validate: (v) => Object.fromEntries(NUMBERS.map((name) => [name, /^\d+$/.test(v[name]) ? undefined : problem(v[name] ? 'not_an_integer' : 'required')])),
    submit: async (v) => {
      setSaved(false);
      const body: Schemas['Rules'] = { swap_needs_approval: v.swap_needs_approval };
      for (const name of NUMBERS) if (Number(v[name]) !== rules[name]) body[name] = Number(v[name]);
      await setRules(unitId, body);
      setSaved(true);
    },
  });
  return (
    <form class="form" onSubmit={form.onSubmit} noValidate data-testid="rules-form">
      {saved && <Notice testid="rules-saved">{t('rules.saved')}</Notice>}
      <ErrorBox error={form.errors.general} />
      {NUMBERS.map((name) => (
        <Field key={name} label={t(`rules.${name}`)} type="number" inputMode="numeric" min={0} {...form.text(name)} testid={`rule-${name}`} />
      ))}
      <Toggle label={t('rules.swap_needs_approval')} checked={form.values.swap_needs_approval} onChange={(on) => form.set('swap_needs_approval', on)} testid="rule-swap_needs_approval" />
      <SubmitButton label={t('pattern.save')} busy={form.busy} testid="rules-save" />
    </form>
  );
}

/** A unit's sign-up rules (its own, else inherited from above, else the defaults). */
export default function Rules() {
  const { query, route } = useLocation();
  const units = useQuery(unitsInScope, []);
  const unit = units.data ? pickUnit(units.data, query.unit) : undefined;
  const rules = useQuery(() => (unit ? getRules(unit.id) : Promise.resolve(null)), [unit?.id]);
  return (
    <Page title={t('rules.title')} back={`/board?unit=${unit?.id ?? ''}`} testid="rules-page">
      <p class="hint">{t('rules.hint')}</p>
      {units.data && <UnitPicker units={units.data} value={unit?.id} onChange={(id) => route(`/scheduling-rules?unit=${id}`, true)} label={t('board.unit')} />}
      {rules.needsConnection || units.needsConnection ? (
        <NeedsConnection />
      ) : rules.data && unit ? (
        <RulesForm key={unit.id} unitId={unit.id} rules={rules.data} />
      ) : rules.loading || units.loading ? (
        <Loading />
      ) : (
        <ErrorBox error={rules.error ?? units.error} onRetry={rules.reload} />
      )}
    </Page>
  );
}
