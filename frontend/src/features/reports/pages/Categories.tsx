import '../reports.css';
import { useState } from 'preact/hooks';
import { SubmitButton } from '../../../ui/buttons';
import { useQuery } from '../../../ui/data';
import { Badge, ErrorBox, Notice } from '../../../ui/feedback';
import { Field, Toggle } from '../../../ui/fields';
import { problem, useForm } from '../../../ui/form';
import { Loading, NeedsConnection, Page } from '../../../ui/Page';
import { allUnits } from '../../admin/api';
import { AdminRow } from '../../admin/components/rows';
import { UnitSelect } from '../../admin/components/UnitSelect';
import { createCategory, listCategories, updateCategory, type Category } from '../api';
import { t } from '../i18n';

/** The districts' hazard categories: a stable code, a name, whether nearby reports are shown (admins). */
export default function Categories() {
  const categories = useQuery(() => listCategories(true), []);
  const units = useQuery(() => allUnits(), []);
  const districts = (units.data ?? []).filter((unit) => unit.kind === 'district');
  const [notice, setNotice] = useState<string | null>(null);
  const form = useForm({
    initial: { code: '', name: '', unit_id: '', shows_nearby: true },
    validate: (v) => ({
      code: v.code.trim() ? undefined : problem('required'),
      name: v.name.trim() ? undefined : problem('required'),
      unit_id: v.unit_id || districts.length === 1 ? undefined : problem('required'),
    }),
    submit: async (v) => {
      await createCategory({ code: v.code.trim(), name: v.name.trim(), unit_id: Number(v.unit_id || districts[0]?.id), shows_nearby: v.shows_nearby, sort_order: 0 });
      setNotice(t('cat.created'));
      form.setValues({ code: '', name: '', unit_id: v.unit_id, shows_nearby: true });
      categories.reload();
    },
  });
  const replace = (fresh: Category) => categories.setData((categories.data ?? []).map((c) => (c.id === fresh.id ? fresh : c)));
  const unitId = form.values.unit_id || (districts.length === 1 ? String(districts[0].id) : '');

  return (
    <Page title={t('admin.categories')} back="/" testid="categories-page">
      <p>{t('cat.intro')}</p>
      <details class="card create-card">
        <summary data-testid="cat-new">{t('cat.new')}</summary>
        <form class="form" onSubmit={form.onSubmit} noValidate>
          <ErrorBox error={form.errors.general} />
          <Field label={t('cat.code')} hint={t('cat.codeHint')} maxLength={40} {...form.text('code')} testid="cat-code" />
          <Field label={t('cat.name')} maxLength={40} {...form.text('name')} testid="cat-name" />
          <UnitSelect label={t('cat.district')} units={districts} {...form.text('unit_id')} value={unitId} testid="cat-unit" />
          <Toggle label={t('cat.showsNearby')} checked={form.values.shows_nearby} onChange={(on) => form.set('shows_nearby', on)} testid="cat-nearby" />
          <SubmitButton label={t('dept.create')} busy={form.busy} testid="cat-create" />
        </form>
      </details>
      {notice && <Notice>{notice}</Notice>}
      {categories.data === undefined ? (
        categories.needsConnection ? <NeedsConnection /> : categories.loading ? <Loading /> : <ErrorBox error={categories.error} onRetry={categories.reload} />
      ) : categories.data.length === 0 ? (
        <p class="empty">{t('cat.empty')}</p>
      ) : (
        <ul class="list" data-testid="cat-list">
          {categories.data.map((category) => (
            <li key={category.id} class="list-item list-item-col">
              <AdminRow
                row={category}
                testid={`cat-${category.code}`}
                rename={(name) => updateCategory(category.id, { name })}
                setActive={(action) => updateCategory(category.id, { is_active: action === 'activate' })}
                onSaved={replace}
              >
                <p class="muted">
                  <span translate={false}>{category.code}</span> · {category.unit.name}
                  {!category.shows_nearby && (
                    <>
                      {' '}
                      <Badge kind="muted">{t('cat.discreet')}</Badge>
                    </>
                  )}
                </p>
              </AdminRow>
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}
