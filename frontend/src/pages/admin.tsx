import { useState } from 'preact/hooks';
import { api, listAll, qs, type Area, type Geometry, type Team, type Unit, type UnitKind } from '../api';
import { t, useLocale, type MsgKey } from '../i18n';
import { Link } from '../router';
import {
  ActionButton,
  Badge,
  ConfirmButton,
  ErrorBox,
  Field,
  Loading,
  LoadMore,
  noErrors,
  useRevealErrors,
  Notice,
  Page,
  SelectField,
  SubmitButton,
  toFormErrors,
  Toggle,
  useAsync,
  usePaged,
  type FormErrors,
} from '../ui';

const kindLabel = (k: string) => t(`kind.${k}` as MsgKey);
// Districts are the roots of the tree; admins work inside one, so only these are created here.
const KINDS: UnitKind[] = ['street', 'community'];
const PARENT_KIND: Record<UnitKind, UnitKind | null> = { district: null, street: 'district', community: 'street' };

// ---- shared pieces --------------------------------------------------------------
function ListControls(props: {
  sort: string;
  setSort: (s: string) => void;
  inactive: boolean;
  setInactive: (v: boolean) => void;
}) {
  return (
    <div class="controls">
      <div class="segmented" role="group" aria-label={t('common.sortLabel')}>
        {(['name', '-name'] as const).map((s) => (
          <button
            key={s}
            type="button"
            class={'seg' + (props.sort === s ? ' seg-on' : '')}
            aria-pressed={props.sort === s}
            data-testid={s === 'name' ? 'sort-asc' : 'sort-desc'}
            onClick={() => props.setSort(s)}
          >
            {s === 'name' ? t('common.sortAsc') : t('common.sortDesc')}
          </button>
        ))}
      </div>
      <Toggle label={t('common.includeInactive')} checked={props.inactive} onChange={props.setInactive} testid="include-inactive" />
    </div>
  );
}

function ActiveBadge({ active }: { active: boolean }) {
  return active ? null : <Badge kind="muted">{t('common.inactive')}</Badge>;
}

/** Deactivate (with confirmation) or activate a row; calls onDone with the fresh row. */
function ActivationButton<T>(props: { path: string; active: boolean; onDone: (row: T) => void; onError: (e: unknown) => void; testid: string }) {
  const call = (verb: string) => api.post<T>(`${props.path}/${verb}`).then(props.onDone, props.onError);
  return props.active ? (
    <ConfirmButton
      label={t('common.deactivate')}
      confirmLabel={t('common.confirmDeactivate')}
      onConfirm={() => call('deactivate')}
      testid={`deactivate-${props.testid}`}
    />
  ) : (
    <ActionButton class="btn btn-secondary" onClick={() => call('activate')} testid={`activate-${props.testid}`}>
      {t('common.activate')}
    </ActionButton>
  );
}

function RenameForm(props: { name: string; path: string; onDone: (row: any) => void; onCancel: () => void; testid: string }) {
  const [name, setName] = useState(props.name);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  useRevealErrors(errors);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!name.trim()) return setErrors({ general: null, fields: { name: t('fe.required') } });
    setBusy(true);
    try {
      props.onDone(await api.patch(props.path, { name: name.trim() }));
    } catch (err) {
      setErrors(toFormErrors(err, ['name']));
      setBusy(false);
    }
  };
  return (
    <form class="inline-form" onSubmit={submit} noValidate>
      <ErrorBox error={errors.general} />
      <Field label={t('admin.name')} value={name} onValue={setName} error={errors.fields.name} maxLength={80} testid={`rename-${props.testid}`} />
      <div class="btn-row">
        <SubmitButton label={t('common.save')} busy={busy} class="btn btn-primary" testid={`rename-save-${props.testid}`} />
        <button type="button" class="btn btn-secondary" onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

function useRowState() {
  const [editing, setEditing] = useState<number | null>(null);
  const [rowError, setRowError] = useState<{ id: number; error: unknown } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  return { editing, setEditing, rowError, setRowError, notice, setNotice };
}

// ---- units ---------------------------------------------------------------------
export function AdminUnits() {
  useLocale();
  const [sort, setSort] = useState('name');
  const [inactive, setInactive] = useState(false);
  const list = usePaged<Unit>('/units' + qs({ sort, include_inactive: inactive }), 50);
  const all = useAsync(() => listAll<Unit>('/units?sort=name&include_inactive=true'), []);
  const rows = useRowState();
  const byId = new Map((all.data ?? []).map((u) => [u.id, u]));

  const [name, setName] = useState('');
  const [kind, setKind] = useState<UnitKind>('community');
  const [parent, setParent] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  useRevealErrors(errors);
  const parentKind = PARENT_KIND[kind];
  const parents = (all.data ?? []).filter((u) => u.kind === parentKind && u.is_active);

  const replace = (u: Unit) => {
    list.setItems((items) => items.map((x) => (x.id === u.id ? u : x)));
    all.reload();
  };

  const create = async (e: Event) => {
    e.preventDefault();
    const fields: Record<string, string> = {};
    if (!name.trim()) fields.name = t('fe.required');
    if (parentKind && !parent) fields.parent_id = t('fe.required');
    if (Object.keys(fields).length) return setErrors({ general: null, fields });
    setBusy(true);
    setErrors(noErrors);
    try {
      const u = await api.post<Unit>('/units', { name: name.trim(), kind, parent_id: parentKind ? Number(parent) : null });
      rows.setNotice(t('admin.created', { name: u.name }));
      setName('');
      list.reload();
      all.reload();
    } catch (err) {
      setErrors(toFormErrors(err, ['name', 'kind', 'parent_id'], { unit_parent_invalid: 'parent_id' }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page title={t('admin.units.title')} back="/" testid="admin-units-page">
      <details class="card create-card">
        <summary data-testid="unit-new">{t('admin.newUnit')}</summary>
        <form class="form" onSubmit={create} noValidate>
          <ErrorBox error={errors.general} />
          <Field label={t('admin.name')} value={name} onValue={setName} maxLength={80} error={errors.fields.name} testid="unit-name" />
          <SelectField
            label={t('admin.kind')}
            value={kind}
            onValue={(v) => {
              setKind(v as UnitKind);
              setParent('');
            }}
            options={KINDS.map((k) => ({ value: k, label: kindLabel(k) }))}
            error={errors.fields.kind}
            testid="unit-kind"
          />
          {parentKind ? (
            <SelectField
              label={t('admin.parent')}
              value={parent}
              onValue={setParent}
              placeholder={t('admin.pickParent')}
              options={parents.map((u) => ({ value: String(u.id), label: u.name }))}
              error={errors.fields.parent_id}
              testid="unit-parent"
            />
          ) : (
            <p class="muted">
              {t('admin.parent')}
              {t('fmt.colon')}
              {t('admin.noParent')}
            </p>
          )}
          <SubmitButton label={t('admin.create')} busy={busy} testid="unit-create" />
        </form>
      </details>
      {rows.notice && <Notice>{rows.notice}</Notice>}
      <ListControls sort={sort} setSort={setSort} inactive={inactive} setInactive={setInactive} />
      <ErrorBox error={list.error} onRetry={list.reload} />
      <ul class="list" data-testid="unit-list">
        {list.items.map((u) => (
          <li key={u.id} class={'list-item list-item-col' + (u.is_active ? '' : ' is-inactive')} data-testid={`unit-${u.id}`}>
            <div class="row-between">
              <p class="item-title">{u.name}</p>
              <ActiveBadge active={u.is_active} />
            </div>
            <p class="muted">
              {kindLabel(u.kind)}
              {u.parent_id && byId.get(u.parent_id) ? ' · ' + byId.get(u.parent_id)!.name : ''}
            </p>
            {rows.editing === u.id ? (
              <RenameForm
                name={u.name}
                path={`/units/${u.id}`}
                testid={String(u.id)}
                onCancel={() => rows.setEditing(null)}
                onDone={(fresh: Unit) => {
                  rows.setEditing(null);
                  replace(fresh);
                }}
              />
            ) : (
              <div class="btn-row">
                <button type="button" class="btn btn-secondary" onClick={() => rows.setEditing(u.id)} data-testid={`edit-${u.id}`}>
                  {t('common.edit')}
                </button>
                <ActivationButton<Unit>
                  path={`/units/${u.id}`}
                  active={u.is_active}
                  testid={String(u.id)}
                  onDone={replace}
                  onError={(error) => rows.setRowError({ id: u.id, error })}
                />
              </div>
            )}
            {rows.rowError?.id === u.id && <ErrorBox error={rows.rowError.error} />}
          </li>
        ))}
      </ul>
      {list.loading && <Loading />}
      {!list.loading && list.items.length === 0 && !list.error && <p class="muted">{t('common.empty')}</p>}
      <LoadMore list={list} />
    </Page>
  );
}

// ---- teams ---------------------------------------------------------------------
export function AdminTeams() {
  useLocale();
  const [sort, setSort] = useState('name');
  const [inactive, setInactive] = useState(false);
  const list = usePaged<Team>('/teams' + qs({ sort, include_inactive: inactive }), 50);
  const units = useAsync(() => listAll<Unit>('/units?sort=name'), []);
  const rows = useRowState();

  const [name, setName] = useState('');
  const [unit, setUnit] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  useRevealErrors(errors);

  const replace = (tm: Team) => list.setItems((items) => items.map((x) => (x.id === tm.id ? { ...x, ...tm } : x)));

  const create = async (e: Event) => {
    e.preventDefault();
    const fields: Record<string, string> = {};
    if (!name.trim()) fields.name = t('fe.required');
    if (!unit) fields.unit_id = t('fe.required');
    if (Object.keys(fields).length) return setErrors({ general: null, fields });
    setBusy(true);
    setErrors(noErrors);
    try {
      const tm = await api.post<Team>('/teams', { name: name.trim(), unit_id: Number(unit) });
      rows.setNotice(t('admin.created', { name: tm.name }));
      setName('');
      list.reload();
    } catch (err) {
      setErrors(toFormErrors(err, ['name', 'unit_id']));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page title={t('admin.teams.title')} back="/" testid="admin-teams-page">
      <details class="card create-card">
        <summary data-testid="team-new">{t('admin.newTeam')}</summary>
        <form class="form" onSubmit={create} noValidate>
          <ErrorBox error={errors.general} />
          <Field label={t('admin.name')} value={name} onValue={setName} maxLength={80} error={errors.fields.name} testid="team-name" />
          <UnitSelect units={units.data ?? []} value={unit} onValue={setUnit} error={errors.fields.unit_id} testid="team-unit" />
          <SubmitButton label={t('admin.create')} busy={busy} testid="team-create" />
        </form>
      </details>
      {rows.notice && <Notice>{rows.notice}</Notice>}
      <ListControls sort={sort} setSort={setSort} inactive={inactive} setInactive={setInactive} />
      <ErrorBox error={list.error} onRetry={list.reload} />
      <ul class="list" data-testid="team-list">
        {list.items.map((tm) => (
          <li key={tm.id} class={'list-item list-item-col' + (tm.is_active ? '' : ' is-inactive')} data-testid={`team-${tm.id}`}>
            <div class="row-between">
              <p class="item-title">{tm.name}</p>
              <ActiveBadge active={tm.is_active} />
            </div>
            <p class="muted">
              {tm.unit.name} · {kindLabel(tm.unit.kind)} · {t('teams.members', { n: tm.member_count })}
            </p>
            {rows.editing === tm.id ? (
              <RenameForm
                name={tm.name}
                path={`/teams/${tm.id}`}
                testid={String(tm.id)}
                onCancel={() => rows.setEditing(null)}
                onDone={(fresh: Team) => {
                  rows.setEditing(null);
                  replace(fresh);
                }}
              />
            ) : (
              <div class="btn-row">
                <Link href={`/teams/${tm.id}`} class="btn btn-secondary">
                  {t('admin.roster')}
                </Link>
                <button type="button" class="btn btn-secondary" onClick={() => rows.setEditing(tm.id)} data-testid={`edit-${tm.id}`}>
                  {t('common.edit')}
                </button>
                <ActivationButton<Team>
                  path={`/teams/${tm.id}`}
                  active={tm.is_active}
                  testid={String(tm.id)}
                  onDone={replace}
                  onError={(error) => rows.setRowError({ id: tm.id, error })}
                />
              </div>
            )}
            {rows.rowError?.id === tm.id && <ErrorBox error={rows.rowError.error} />}
          </li>
        ))}
      </ul>
      {list.loading && <Loading />}
      {!list.loading && list.items.length === 0 && !list.error && <p class="muted">{t('common.empty')}</p>}
      <LoadMore list={list} />
    </Page>
  );
}

function UnitSelect(props: { units: Unit[]; value: string; onValue: (v: string) => void; error?: string; testid: string }) {
  return (
    <SelectField
      label={t('admin.unit')}
      value={props.value}
      onValue={props.onValue}
      placeholder={t('admin.pickUnit')}
      options={props.units
        .filter((u) => u.is_active)
        .map((u) => ({ value: String(u.id), label: t('fmt.teamUnit', { team: u.name, unit: kindLabel(u.kind) }) }))}
      error={props.error}
      testid={props.testid}
    />
  );
}

// ---- areas ---------------------------------------------------------------------
/** Parse pasted GeoJSON: a Polygon/MultiPolygon, or a Feature (or one-feature collection) holding one. */
export function parseGeometry(text: string): { geometry?: Geometry; error?: string } {
  let value: any;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: t('fe.json_invalid') };
  }
  if (value?.type === 'FeatureCollection' && Array.isArray(value.features) && value.features.length === 1) value = value.features[0];
  if (value?.type === 'Feature') value = value.geometry;
  if (!value || (value.type !== 'Polygon' && value.type !== 'MultiPolygon') || !Array.isArray(value.coordinates))
    return { error: t('fe.geometry_type') };
  return { geometry: { type: value.type, coordinates: value.coordinates } };
}

function countPoints(c: unknown): number {
  if (!Array.isArray(c)) return 0;
  if (typeof c[0] === 'number') return 1;
  return c.reduce((n: number, x) => n + countPoints(x), 0);
}

function AreaForm(props: {
  area?: Area;
  units: Unit[];
  onDone: (a: Area) => void;
  onCancel?: () => void;
  testid: string;
}) {
  const a = props.area;
  const [name, setName] = useState(a?.name ?? '');
  const [unit, setUnit] = useState('');
  const [geo, setGeo] = useState(a ? JSON.stringify(a.geometry, null, 1) : '');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  useRevealErrors(errors);
  const submit = async (e: Event) => {
    e.preventDefault();
    const fields: Record<string, string> = {};
    if (!name.trim()) fields.name = t('fe.required');
    if (!a && !unit) fields.unit_id = t('fe.required');
    const parsed = geo.trim() ? parseGeometry(geo) : { error: t('fe.required') };
    if (parsed.error) fields.geometry = parsed.error;
    if (Object.keys(fields).length) return setErrors({ general: null, fields });
    setBusy(true);
    setErrors(noErrors);
    try {
      const body: Record<string, unknown> = { name: name.trim(), geometry: parsed.geometry };
      const res = a
        ? await api.patch<Area>(`/areas/${a.id}`, body)
        : await api.post<Area>('/areas', { ...body, unit_id: Number(unit) });
      props.onDone(res);
      if (!a) {
        setName('');
        setGeo('');
      }
    } catch (err) {
      setErrors(toFormErrors(err, ['name', 'unit_id', 'geometry'], { geometry_invalid: 'geometry' }));
    } finally {
      setBusy(false);
    }
  };
  const gid = `geo-${props.testid}`;
  return (
    <form class="form" onSubmit={submit} noValidate>
      <ErrorBox error={errors.general} />
      <Field label={t('admin.name')} value={name} onValue={setName} maxLength={80} error={errors.fields.name} testid={`area-name-${props.testid}`} />
      {!a && <UnitSelect units={props.units} value={unit} onValue={setUnit} error={errors.fields.unit_id} testid="area-unit" />}
      <div class={'field' + (errors.fields.geometry ? ' field-invalid' : '')}>
        <label for={gid}>{t('admin.geometry')}</label>
        <p class="hint" id={gid + '-hint'}>
          {t('admin.geometryHint')}
        </p>
        <textarea
          id={gid}
          rows={8}
          spellcheck={false}
          autoCapitalize="off"
          value={geo}
          onInput={(e) => setGeo((e.target as HTMLTextAreaElement).value)}
          aria-invalid={errors.fields.geometry ? true : undefined}
          aria-describedby={gid + '-hint' + (errors.fields.geometry ? ` ${gid}-err` : '')}
          data-testid={`area-geometry-${props.testid}`}
        />
        {errors.fields.geometry && (
          <p class="field-error" id={gid + '-err'} data-testid={`area-geometry-${props.testid}-error`}>
            {errors.fields.geometry}
          </p>
        )}
      </div>
      <div class="btn-row">
        <SubmitButton label={a ? t('common.save') : t('admin.create')} busy={busy} class="btn btn-primary" testid={`area-save-${props.testid}`} />
        {props.onCancel && (
          <button type="button" class="btn btn-secondary" onClick={props.onCancel}>
            {t('common.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}

export function AdminAreas() {
  useLocale();
  const [sort, setSort] = useState('name');
  const [inactive, setInactive] = useState(false);
  const list = usePaged<Area>('/areas' + qs({ sort, include_inactive: inactive }), 50);
  const units = useAsync(() => listAll<Unit>('/units?sort=name'), []);
  const rows = useRowState();
  const replace = (a: Area) => list.setItems((items) => items.map((x) => (x.id === a.id ? a : x)));

  return (
    <Page title={t('admin.areas.title')} back="/" testid="admin-areas-page">
      <details class="card create-card">
        <summary data-testid="area-new">{t('admin.newArea')}</summary>
        <AreaForm
          units={units.data ?? []}
          testid="new"
          onDone={(a) => {
            rows.setNotice(t('admin.created', { name: a.name }));
            list.reload();
          }}
        />
      </details>
      {rows.notice && <Notice>{rows.notice}</Notice>}
      <ListControls sort={sort} setSort={setSort} inactive={inactive} setInactive={setInactive} />
      <ErrorBox error={list.error} onRetry={list.reload} />
      <ul class="list" data-testid="area-list">
        {list.items.map((a) => (
          <li key={a.id} class={'list-item list-item-col' + (a.is_active ? '' : ' is-inactive')} data-testid={`area-${a.id}`}>
            <div class="row-between">
              <p class="item-title">{a.name}</p>
              <ActiveBadge active={a.is_active} />
            </div>
            <p class="muted">
              {a.unit.name} · {kindLabel(a.unit.kind)}
            </p>
            <p class="muted small">{t('admin.geomSummary', { type: a.geometry?.type ?? '?', n: countPoints(a.geometry?.coordinates) })}</p>
            {rows.editing === a.id ? (
              <AreaForm
                area={a}
                units={units.data ?? []}
                testid={String(a.id)}
                onCancel={() => rows.setEditing(null)}
                onDone={(fresh) => {
                  rows.setEditing(null);
                  rows.setNotice(t('admin.updated', { name: fresh.name }));
                  replace(fresh);
                }}
              />
            ) : (
              <div class="btn-row">
                <button type="button" class="btn btn-secondary" onClick={() => rows.setEditing(a.id)} data-testid={`edit-${a.id}`}>
                  {t('common.edit')}
                </button>
                <ActivationButton<Area>
                  path={`/areas/${a.id}`}
                  active={a.is_active}
                  testid={String(a.id)}
                  onDone={replace}
                  onError={(error) => rows.setRowError({ id: a.id, error })}
                />
              </div>
            )}
            {rows.rowError?.id === a.id && <ErrorBox error={rows.rowError.error} />}
          </li>
        ))}
      </ul>
      {list.loading && <Loading />}
      {!list.loading && list.items.length === 0 && !list.error && <p class="muted">{t('common.empty')}</p>}
      <LoadMore list={list} />
    </Page>
  );
}
