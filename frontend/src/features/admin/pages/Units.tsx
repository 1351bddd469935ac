import '../admin.css';
import { useState } from 'preact/hooks';
import type { Schemas, UnitKind } from '../../../api/types';
import { locale } from '../../../i18n';
import { KIND_LABEL, t as tc } from '../../../i18n/common';
import { SubmitButton } from '../../../ui/buttons';
import { useQuery } from '../../../ui/data';
import { Badge, ErrorBox, Notice } from '../../../ui/feedback';
import { Field, SelectField } from '../../../ui/fields';
import { problem, useForm } from '../../../ui/form';
import { Loading, NeedsConnection, Page } from '../../../ui/Page';
import { allUnits, createUnit, renameUnit, setUnitActive } from '../api';
import { AdminRow } from '../components/rows';
import { buildUnitTree, type TreeNode } from '../unitTree';
import { t } from '../i18n';

type Unit = Schemas['Unit'];
// Districts are the roots; admins work inside one, so only streets and communities are created here.
const CREATABLE: UnitKind[] = ['street', 'community'];
const PARENT_KIND: Record<UnitKind, UnitKind | null> = { district: null, street: 'district', community: 'street' };

function UnitNode({ node, onSaved }: { node: TreeNode<Unit>; onSaved: (unit: Unit) => void }) {
  const { unit, children } = node;
  const row = (
    <AdminRow
      row={unit}
      testid={`unit-${unit.id}`}
      rename={(name) => renameUnit(unit.id, name)}
      setActive={(action) => setUnitActive(unit.id, action)}
      onSaved={onSaved}
    >
      <p class="muted">
        <Badge kind="info">{tc(KIND_LABEL[unit.kind])}</Badge>
        {children.length > 0 && <> {t('admin.children', { n: children.length })}</>}
      </p>
    </AdminRow>
  );
  return (
    <li class={`tree-node tree-${unit.kind}`}>
      {row}
      {children.length > 0 && (
        <ul class="tree">
          {children.map((child) => (
            <UnitNode key={child.unit.id} node={child} onSaved={onSaved} />
          ))}
        </ul>
      )}
    </li>
  );
}

export default function Units() {
  const units = useQuery(() => allUnits(true), []);
  const [notice, setNotice] = useState<string | null>(null);
  const form = useForm({
    initial: { name: '', kind: 'community', parent_id: '' },
    validate: (v) => ({
      name: v.name.trim() ? undefined : problem('required'),
      parent_id: v.parent_id ? undefined : problem('required'),
    }),
    submit: async (v) => {
      const kind = v.kind === 'street' ? 'street' : 'community';
      const unit = await createUnit({ name: v.name.trim(), kind, parent_id: Number(v.parent_id) });
      setNotice(t('admin.created', { name: unit.name }));
      form.set('name', '');
      units.reload();
    },
    onField: { unit_parent_invalid: 'parent_id' },
  });

  if (units.needsConnection)
    return (
      <Page title={t('admin.units.title')} back="/" testid="admin-units-page">
        <NeedsConnection />
      </Page>
    );
  const all = units.data ?? [];
  const parentKind = PARENT_KIND[form.values.kind === 'street' ? 'street' : 'community'];
  const parents = all.filter((unit) => unit.kind === parentKind && unit.is_active);
  const replace = (fresh: Unit) => units.setData(all.map((unit) => (unit.id === fresh.id ? fresh : unit)));

  return (
    <Page title={t('admin.units.title')} back="/" testid="admin-units-page">
      <details class="card create-card">
        <summary data-testid="unit-new">{t('admin.newUnit')}</summary>
        <form class="form" onSubmit={form.onSubmit} noValidate>
          <ErrorBox error={form.errors.general} />
          <Field label={t('admin.name')} maxLength={80} {...form.text('name')} testid="unit-name" />
          <SelectField
            label={t('admin.kind')}
            value={form.values.kind}
            onValue={(kind) => form.setValues((old) => ({ ...old, kind, parent_id: '' }))}
            options={CREATABLE.map((kind) => ({ value: kind, label: tc(KIND_LABEL[kind]) }))}
            testid="unit-kind"
          />
          <SelectField
            label={t('admin.parent')}
            {...form.text('parent_id')}
            placeholder={t('admin.pickParent')}
            options={parents.map((unit) => ({ value: String(unit.id), label: unit.name }))}
            testid="unit-parent"
          />
          <SubmitButton label={t('admin.create')} busy={form.busy} testid="unit-create" />
        </form>
      </details>
      {notice && <Notice>{notice}</Notice>}
      <h2>{t('admin.tree')}</h2>
      {!units.data ? (
        units.loading ? <Loading /> : <ErrorBox error={units.error} onRetry={units.reload} />
      ) : (
        <ul class="tree tree-root" data-testid="unit-tree">
          {buildUnitTree(all, locale.value).map((node) => (
            <UnitNode key={node.unit.id} node={node} onSaved={replace} />
          ))}
        </ul>
      )}
    </Page>
  );
}
