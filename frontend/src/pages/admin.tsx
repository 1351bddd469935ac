import type { ComponentChildren } from 'preact';
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
  Notice,
  Page,
  SelectField,
  SubmitButton,
  Toggle,
  useAsync,
  useForm,
  usePaged,
} from '../ui';

const kindLabel = (k: string) => t(`kind.${k}` as MsgKey);
// Districts are the roots of the tree; admins work inside one, so only these are created here.
const KINDS: UnitKind[] = ['street', 'community'];
const PARENT_KIND: Record<UnitKind, UnitKind | null> = { district: null, street: 'district', community: 'street' };

// ---- shared pieces --------------------------------------------------------------
type Kind = 'unit' | 'team' | 'area';
type Row = { id: number; name: string; is_active: boolean };

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
  const { busy, errors, send } = useForm(['name']);
  const submit = (e: Event) => {
    e.preventDefault();
    send(name.trim() ? {} : { name: t('fe.required') }, async () => props.onDone(await api.patch(props.path, { name: name.trim() })));
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

/** The rows of one admin page (`/units`, …), their sort and filter, and which row is being edited. */
function useAdminList<T extends Row>(kind: Kind) {
  const [sort, setSort] = useState('name');
  const [inactive, setInactive] = useState(false);
  const list = usePaged<T>(`/${kind}s` + qs({ sort, include_inactive: inactive }), 50);
  const [editing, setEditing] = useState<number | null>(null);
  const [rowError, setRowError] = useState<{ id: number; error: unknown } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  return {
    kind,
    controls: { sort, setSort, inactive, setInactive },
    list,
    editing,
    setEditing,
    rowError,
    setRowError,
    notice,
    setNotice,
    created: (row: T) => {
      setNotice(t('admin.created', { name: row.name }));
      list.reload();
    },
    replace: (row: T) => list.setItems((items) => items.map((x) => (x.id === row.id ? { ...x, ...row } : x))),
  };
}
type AdminList<T extends Row> = ReturnType<typeof useAdminList<T>>;

/** An admin page: a form that creates a row, then the list of rows (`children`). */
function AdminPage<T extends Row>(props: { admin: AdminList<T>; title: string; newLabel: string; form: ComponentChildren; children: ComponentChildren }) {
  const { kind, list } = props.admin;
  return (
    <Page title={props.title} back="/" testid={`admin-${kind}s-page`}>
      <details class="card create-card">
        <summary data-testid={`${kind}-new`}>{props.newLabel}</summary>
        {props.form}
      </details>
      {props.admin.notice && <Notice>{props.admin.notice}</Notice>}
      <ListControls {...props.admin.controls} />
      <ErrorBox error={list.error} onRetry={list.reload} />
      <ul class="list" data-testid={`${kind}-list`}>
        {props.children}
      </ul>
      {list.loading && <Loading />}
      {!list.loading && list.items.length === 0 && !list.error && <p class="muted">{t('common.empty')}</p>}
      <LoadMore list={list} />
    </Page>
  );
}

/**
 * One row: name, state and details (`children`), then either its editor (`edit`, given what to call
 * with the saved row; a rename form by default) or its buttons. `onSaved` follows any saved change.
 */
function AdminRow<T extends Row>(props: {
  admin: AdminList<T>;
  row: T;
  children: ComponentChildren;
  links?: ComponentChildren;
  edit?: (done: (fresh: T) => void) => ComponentChildren;
  onSaved?: () => void;
}) {
  const { admin, row } = props;
  const path = `/${admin.kind}s/${row.id}`;
  const saved = (fresh: T) => {
    admin.replace(fresh);
    props.onSaved?.();
  };
  const done = (fresh: T) => {
    admin.setEditing(null);
    saved(fresh);
  };
  const edit =
    props.edit ??
    ((onDone: (fresh: T) => void) => (
      <RenameForm name={row.name} path={path} testid={String(row.id)} onCancel={() => admin.setEditing(null)} onDone={onDone} />
    ));
  return (
    <li class={'list-item list-item-col' + (row.is_active ? '' : ' is-inactive')} data-testid={`${admin.kind}-${row.id}`}>
      <div class="row-between">
        <p class="item-title">{row.name}</p>
        {!row.is_active && <Badge kind="muted">{t('common.inactive')}</Badge>}
      </div>
      {props.children}
      {admin.editing === row.id ? (
        edit(done)
      ) : (
        <div class="btn-row">
          {props.links}
          <button type="button" class="btn btn-secondary" onClick={() => admin.setEditing(row.id)} data-testid={`edit-${row.id}`}>
            {t('common.edit')}
          </button>
          <ActivationButton<T>
            path={path}
            active={row.is_active}
            testid={String(row.id)}
            onDone={saved}
            onError={(error) => admin.setRowError({ id: row.id, error })}
          />
        </div>
      )}
      {admin.rowError?.id === row.id && <ErrorBox error={admin.rowError.error} />}
    </li>
  );
}

// ---- units ---------------------------------------------------------------------
export function AdminUnits() {
  useLocale();
  const admin = useAdminList<Unit>('unit');
  const all = useAsync(() => listAll<Unit>('/units?sort=name&include_inactive=true'), []);
  const byId = new Map((all.data ?? []).map((u) => [u.id, u]));

  const [name, setName] = useState('');
  const [kind, setKind] = useState<UnitKind>('community');
  const [parent, setParent] = useState('');
  const { busy, errors, send } = useForm(['name', 'kind', 'parent_id'], { unit_parent_invalid: 'parent_id' });
  const parentKind = PARENT_KIND[kind];
  const parents = (all.data ?? []).filter((u) => u.kind === parentKind && u.is_active);

  const create = (e: Event) => {
    e.preventDefault();
    const fields: Record<string, string> = {};
    if (!name.trim()) fields.name = t('fe.required');
    if (parentKind && !parent) fields.parent_id = t('fe.required');
    send(fields, async () => {
      admin.created(await api.post<Unit>('/units', { name: name.trim(), kind, parent_id: parentKind ? Number(parent) : null }));
      setName('');
      all.reload();
    });
  };

  const form = (
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
  );

  return (
    <AdminPage admin={admin} title={t('admin.units.title')} newLabel={t('admin.newUnit')} form={form}>
      {admin.list.items.map((u) => (
        <AdminRow key={u.id} admin={admin} row={u} onSaved={all.reload}>
          <p class="muted">
            {kindLabel(u.kind)}
            {u.parent_id && byId.get(u.parent_id) ? ' · ' + byId.get(u.parent_id)!.name : ''}
          </p>
        </AdminRow>
      ))}
    </AdminPage>
  );
}

// ---- teams ---------------------------------------------------------------------
export function AdminTeams() {
  useLocale();
  const admin = useAdminList<Team>('team');
  const units = useAsync(() => listAll<Unit>('/units?sort=name'), []);

  const [name, setName] = useState('');
  const [unit, setUnit] = useState('');
  const { busy, errors, send } = useForm(['name', 'unit_id']);

  const create = (e: Event) => {
    e.preventDefault();
    const fields: Record<string, string> = {};
    if (!name.trim()) fields.name = t('fe.required');
    if (!unit) fields.unit_id = t('fe.required');
    send(fields, async () => {
      admin.created(await api.post<Team>('/teams', { name: name.trim(), unit_id: Number(unit) }));
      setName('');
    });
  };

  const form = (
    <form class="form" onSubmit={create} noValidate>
      <ErrorBox error={errors.general} />
      <Field label={t('admin.name')} value={name} onValue={setName} maxLength={80} error={errors.fields.name} testid="team-name" />
      <UnitSelect units={units.data ?? []} value={unit} onValue={setUnit} error={errors.fields.unit_id} testid="team-unit" />
      <SubmitButton label={t('admin.create')} busy={busy} testid="team-create" />
    </form>
  );

  return (
    <AdminPage admin={admin} title={t('admin.teams.title')} newLabel={t('admin.newTeam')} form={form}>
      {admin.list.items.map((tm) => (
        <AdminRow
          key={tm.id}
          admin={admin}
          row={tm}
          links={
            <Link href={`/teams/${tm.id}`} class="btn btn-secondary">
              {t('admin.roster')}
            </Link>
          }
        >
          <p class="muted">
            {tm.unit.name} · {kindLabel(tm.unit.kind)} · {t('teams.members', { n: tm.member_count })}
          </p>
        </AdminRow>
      ))}
    </AdminPage>
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
  const { busy, errors, send } = useForm(['name', 'unit_id', 'geometry'], { geometry_invalid: 'geometry' });
  const submit = (e: Event) => {
    e.preventDefault();
    const fields: Record<string, string> = {};
    if (!name.trim()) fields.name = t('fe.required');
    if (!a && !unit) fields.unit_id = t('fe.required');
    const parsed = geo.trim() ? parseGeometry(geo) : { error: t('fe.required') };
    if (parsed.error) fields.geometry = parsed.error;
    send(fields, async () => {
      const body: Record<string, unknown> = { name: name.trim(), geometry: parsed.geometry };
      const res = a
        ? await api.patch<Area>(`/areas/${a.id}`, body)
        : await api.post<Area>('/areas', { ...body, unit_id: Number(unit) });
      props.onDone(res);
      if (!a) {
        setName('');
        setGeo('');
      }
    });
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
  const admin = useAdminList<Area>('area');
  const units = useAsync(() => listAll<Unit>('/units?sort=name'), []);

  return (
    <AdminPage
      admin={admin}
      title={t('admin.areas.title')}
      newLabel={t('admin.newArea')}
      form={<AreaForm units={units.data ?? []} testid="new" onDone={admin.created} />}
    >
      {admin.list.items.map((a) => (
        <AdminRow
          key={a.id}
          admin={admin}
          row={a}
          edit={(done) => (
            <AreaForm
              area={a}
              units={units.data ?? []}
              testid={String(a.id)}
              onCancel={() => admin.setEditing(null)}
              onDone={(fresh) => {
                admin.setNotice(t('admin.updated', { name: fresh.name }));
                done(fresh);
              }}
            />
          )}
        >
          <p class="muted">
            {a.unit.name} · {kindLabel(a.unit.kind)}
          </p>
          <p class="muted small">{t(a.geometry?.type === 'MultiPolygon' ? 'admin.geomSummaryMulti' : 'admin.geomSummary', { n: countPoints(a.geometry?.coordinates) })}</p>
        </AdminRow>
      ))}
    </AdminPage>
  );
}
