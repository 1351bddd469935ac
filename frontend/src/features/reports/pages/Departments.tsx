import '../reports.css';
import { useState } from 'preact/hooks';
import { t as tc } from '../../../i18n/common';
import { SubmitButton } from '../../../ui/buttons';
import { useQuery } from '../../../ui/data';
import { ErrorBox, Notice } from '../../../ui/feedback';
import { Field } from '../../../ui/fields';
import { problem, useForm } from '../../../ui/form';
import { Loading, NeedsConnection, Page } from '../../../ui/Page';
import { allUnits } from '../../admin/api';
import { AdminRow } from '../../admin/components/rows';
import { UnitSelect } from '../../admin/components/UnitSelect';
import { createDepartment, listCategories, listDepartments, updateDepartment, type Category, type Department } from '../api';
import { t } from '../i18n';

function CategoryChecks(props: { categories: Category[]; value: number[]; onChange: (ids: number[]) => void; testid: string }) {
  return (
    <fieldset class="dept-checks">
      <legend>{t('dept.categories')}</legend>
      {props.categories.map((category) => (
        <label key={category.id} class="toggle">
          <input
            type="checkbox"
            checked={props.value.includes(category.id)}
            onChange={(e) => props.onChange(e.currentTarget.checked ? [...props.value, category.id] : props.value.filter((id) => id !== category.id))}
            data-testid={`${props.testid}-${category.code}`}
          />
          <span>{category.name}</span>
        </label>
      ))}
    </fieldset>
  );
}

function CategoriesEditor(props: { department: Department; categories: Category[]; onSaved: (d: Department) => void; close: () => void }) {
  const [ids, setIds] = useState(props.department.category_ids);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const save = async () => {
    setBusy(true);
    try {
      props.onSaved(await updateDepartment(props.department.id, { category_ids: ids }));
      props.close();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <div class="inline-form">
      <CategoryChecks categories={props.categories} value={ids} onChange={setIds} testid={`dept-${props.department.id}-cat`} />
      <ErrorBox error={error} />
      <div class="btn-row">
        <button type="button" class="btn btn-primary" disabled={busy} onClick={() => void save()}>
          {t('dept.saveCategories')}
        </button>
        <button type="button" class="btn btn-secondary" onClick={props.close}>
          {tc('common.cancel')}
        </button>
      </div>
    </div>
  );
}

/** Departments that handle dispatched cases, and the categories each takes by default (admins). */
export default function Departments() {
  const departments = useQuery(() => listDepartments(undefined, true), []);
  const categories = useQuery(() => listCategories(), []);
  const units = useQuery(() => allUnits(), []);
  const [notice, setNotice] = useState<string | null>(null);
  const form = useForm({
    initial: { name: '', unit_id: '', category_ids: [] as number[] },
    validate: (v) => ({ name: v.name.trim() ? undefined : problem('required'), unit_id: v.unit_id ? undefined : problem('required') }),
    submit: async (v) => {
      await createDepartment({ name: v.name.trim(), unit_id: Number(v.unit_id), category_ids: v.category_ids });
      setNotice(t('dept.created'));
      form.setValues({ name: '', unit_id: v.unit_id, category_ids: [] });
      departments.reload();
    },
  });
  const replace = (fresh: Department) => departments.setData((departments.data ?? []).map((d) => (d.id === fresh.id ? fresh : d)));
  const categoryName = new Map((categories.data ?? []).map((c) => [c.id, c.name]));

  return (
    <Page title={t('admin.departments')} back="/" testid="departments-page">
      <p>{t('dept.intro')}</p>
      <details class="card create-card">
        <summary data-testid="dept-new">{t('dept.new')}</summary>
        <form class="form" onSubmit={form.onSubmit} noValidate>
          <ErrorBox error={form.errors.general} />
          <Field label={t('dept.name')} maxLength={80} {...form.text('name')} testid="dept-name" />
          <UnitSelect label={t('dept.unit')} units={units.data ?? []} {...form.text('unit_id')} testid="dept-unit" />
          <CategoryChecks categories={categories.data ?? []} value={form.values.category_ids} onChange={(ids) => form.set('category_ids', ids)} testid="dept-cat" />
          <SubmitButton label={t('dept.create')} busy={form.busy} testid="dept-create" />
        </form>
      </details>
      {notice && <Notice>{notice}</Notice>}
      {departments.data === undefined ? (
        departments.needsConnection ? <NeedsConnection /> : departments.loading ? <Loading /> : <ErrorBox error={departments.error} onRetry={departments.reload} />
      ) : departments.data.length === 0 ? (
        <p class="empty">{t('dept.empty')}</p>
      ) : (
        <ul class="list" data-testid="dept-list">
          {departments.data.map((department) => (
            <li key={department.id} class="list-item list-item-col">
              <AdminRow
                row={department}
                testid={`dept-${department.id}`}
                rename={(name) => updateDepartment(department.id, { name })}
                setActive={(action) => updateDepartment(department.id, { is_active: action === 'activate' })}
                onSaved={replace}
                editor={(close) => <CategoriesEditor department={department} categories={categories.data ?? []} onSaved={replace} close={close} />}
              >
                <p class="muted">{department.unit.name}</p>
                <p class="small">
                  {t('dept.categories')}
                  {tc('fmt.colon')}
                  {department.category_ids.map((id) => categoryName.get(id) ?? `#${id}`).join(tc('fmt.listSep')) || '—'}
                </p>
              </AdminRow>
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}
