import { useState } from 'preact/hooks';
import type { Schemas } from '../../../api/types';
import { KIND_LABEL, t as tc } from '../../../i18n/common';
import { allPages } from '../../../api/client';
import { SubmitButton } from '../../../ui/buttons';
import { usePagedQuery, useQuery } from '../../../ui/data';
import { ErrorBox, Notice } from '../../../ui/feedback';
import { Field } from '../../../ui/fields';
import { problem, useForm } from '../../../ui/form';
import { NeedsConnection, Page } from '../../../ui/Page';
import { PagedList } from '../../../ui/PagedList';
import { AreaEditor } from '../../../map/AreaEditor';
import { countPoints, parseGeometry, type AreaGeometry } from '../../../map/geometry';
import { MapView, type MapArea } from '../../../map/MapView';
import { allUnits, createArea, listAreas, setAreaActive, updateArea } from '../api';
import { AdminRow, ListControls } from '../components/rows';
import { UnitSelect } from '../components/UnitSelect';
import { t } from '../i18n';

type Area = Schemas['Area'];
type Unit = Schemas['Unit'];

/** The API describes geometry as unknown; what it holds is checked here. */
const geometryOf = (area: Area): AreaGeometry | null => parseGeometry(area.geometry).geometry ?? null;

function toMapAreas(areas: Area[], except?: number): MapArea[] {
  return areas.flatMap((area) => {
    const geometry = geometryOf(area);
    return geometry && area.id !== except ? [{ id: area.id, name: area.name, geometry }] : [];
  });
}

function AreaForm(props: { area?: Area; units: Unit[]; context: MapArea[]; onDone: (area: Area) => void; onCancel?: () => void; testid: string }) {
  const { area } = props;
  const form = useForm({
    initial: { name: area?.name ?? '', unit_id: '', geometry: area ? geometryOf(area) : null },
    validate: (v) => ({
      name: v.name.trim() ? undefined : problem('required'),
      unit_id: area || v.unit_id ? undefined : problem('required'),
      geometry: v.geometry ? undefined : problem('required'),
    }),
    submit: async (v) => {
      const body = { name: v.name.trim(), geometry: v.geometry };
      const saved = area ? await updateArea(area.id, body) : await createArea({ ...body, unit_id: Number(v.unit_id) });
      props.onDone(saved);
      if (!area) form.setValues({ name: '', unit_id: v.unit_id, geometry: null });
    },
    onField: { geometry_invalid: 'geometry' },
  });
  return (
    <form class="form" onSubmit={form.onSubmit} noValidate>
      <ErrorBox error={form.errors.general} />
      <Field label={t('admin.name')} maxLength={80} {...form.text('name')} testid={`area-name-${props.testid}`} />
      {!area && <UnitSelect units={props.units} {...form.text('unit_id')} testid="area-unit" />}
      <p class="field-label">{t('admin.geometry')}</p>
      <AreaEditor
        value={form.values.geometry}
        onChange={(geometry) => form.set('geometry', geometry)}
        context={props.context}
        error={form.errors.fields.geometry}
        testid={`area-editor-${props.testid}`}
      />
      <div class="btn-row">
        <SubmitButton label={area ? tc('common.save') : t('admin.create')} busy={form.busy} class="btn btn-primary" testid={`area-save-${props.testid}`} />
        {props.onCancel && (
          <button type="button" class="btn btn-secondary" onClick={props.onCancel}>
            {tc('common.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}

export default function Areas() {
  const [sort, setSort] = useState<'name' | '-name'>('name');
  const [inactive, setInactive] = useState(false);
  const list = usePagedQuery((page) => listAreas({ sort, include_inactive: inactive, page, page_size: 50 }), [sort, inactive]);
  // Every active area, for the overview map and as context when drawing.
  const everyArea = useQuery(() => allPages((page) => listAreas({ sort: 'name', page, page_size: 100 })), []);
  const units = useQuery(() => allUnits(), []);
  const [notice, setNotice] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);

  const saved = (area: Area, created: boolean) => {
    setNotice(t(created ? 'admin.created' : 'admin.updated', { name: area.name }));
    if (created) list.reload();
    else list.setItems((items) => items.map((x) => (x.id === area.id ? area : x)));
    everyArea.reload();
  };

  if (list.needsConnection || units.needsConnection)
    return (
      <Page title={t('admin.areas.title')} back="/" testid="admin-areas-page">
        <NeedsConnection />
      </Page>
    );
  const mapAreas = toMapAreas(everyArea.data ?? []);
  return (
    <Page title={t('admin.areas.title')} back="/" testid="admin-areas-page">
      {mapAreas.length > 0 && (
        <section aria-label={t('admin.overview')}>
          <MapView areas={mapAreas} testid="areas-overview" />
        </section>
      )}
      <details class="card create-card" open={creating} onToggle={(e) => setCreating(e.currentTarget.open)}>
        <summary data-testid="area-new">{t('admin.newArea')}</summary>
        {creating && <AreaForm units={units.data ?? []} context={mapAreas} testid="new" onDone={(area) => saved(area, true)} />}
      </details>
      {notice && <Notice>{notice}</Notice>}
      <ListControls sort={sort} onSort={setSort} inactive={inactive} onInactive={setInactive} />
      <PagedList
        list={list}
        testid="area-list"
        empty={tc('common.empty')}
        row={(area) => {
          const geometry = geometryOf(area);
          return (
            <li key={area.id} class="list-item list-item-col">
              <AdminRow
                row={area}
                testid={`area-${area.id}`}
                rename={(name) => updateArea(area.id, { name })}
                setActive={(action) => setAreaActive(area.id, action)}
                onSaved={(fresh) => saved(fresh, false)}
                editor={(close) => (
                  <AreaForm
                    area={area}
                    units={units.data ?? []}
                    context={toMapAreas(everyArea.data ?? [], area.id)}
                    testid={String(area.id)}
                    onCancel={close}
                    onDone={(fresh) => {
                      close();
                      saved(fresh, false);
                    }}
                  />
                )}
              >
                <p class="muted">
                  {area.unit.name} · {tc(KIND_LABEL[area.unit.kind])}
                </p>
                {geometry && (
                  <p class="muted small">
                    {t(geometry.type === 'MultiPolygon' ? 'admin.geomSummaryMulti' : 'admin.geomSummary', { n: countPoints(geometry) })}
                  </p>
                )}
              </AdminRow>
            </li>
          );
        }}
      />
    </Page>
  );
}
