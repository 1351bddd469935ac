import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import type { Schemas } from '../../../api/types';
import { locale } from '../../../i18n';
import { parseGeometry } from '../../../map/geometry';
import { MapView, type MapArea } from '../../../map/MapView';
import { ConfirmButton, SubmitButton } from '../../../ui/buttons';
import { useQuery } from '../../../ui/data';
import { ErrorBox, Info, Notice } from '../../../ui/feedback';
import { Field, SelectField, Toggle } from '../../../ui/fields';
import { problem, useForm } from '../../../ui/form';
import { Loading, NeedsConnection, Page } from '../../../ui/Page';
import { areasOf, createPattern, getPattern, teamsOf, unitsInScope, updatePattern, type Pattern, type PatternChange } from '../api';
import { teamOf } from './bits';
import { durationText } from './patterns';
import { ShiftRow } from './ShiftRow';
import { pickUnit, UnitPicker } from './UnitPicker';
import { setFlash } from '../flash';
import { t } from '../i18n';
import { isDay, localDay, mondayOf } from '../time';
import { dayName, weekdayName } from '../when';

const DURATIONS = [30, 45, 60, 90, 120, 150, 180, 240, 300, 360, 480, 600, 720];

type Values = {
  name: string;
  unit_id: string;
  team_id: string;
  area_id: string;
  weekdays: number[];
  start_time: string;
  duration_minutes: string;
  places: string;
  leader_needed: boolean;
  note: string;
  valid_from: string;
  valid_until: string;
  skipped_dates: string[];
};

function initial(pattern: Pattern | null, unitId: string): Values {
  return {
    name: pattern?.name ?? '',
    unit_id: pattern ? String(pattern.unit.id) : unitId,
    team_id: pattern ? String(teamOf(pattern)?.id ?? '') : '',
    area_id: pattern ? String(pattern.area.id) : '',
    weekdays: pattern?.weekdays ?? [],
    start_time: pattern?.start_time ?? '19:00',
    duration_minutes: String(pattern?.duration_minutes ?? 120),
    places: String(pattern?.places ?? 6),
    leader_needed: pattern?.leader_needed ?? true,
    note: pattern?.note ?? '',
    valid_from: pattern?.valid_from ?? localDay(new Date()),
    valid_until: pattern?.valid_until ?? '',
    skipped_dates: pattern?.skipped_dates ?? [],
  };
}

/** What changed, for PATCH: a pattern's edit touches only the fields edited. */
function changes(pattern: Pattern, v: Values): Schemas['PatternUpdate'] {
  const out: Schemas['PatternUpdate'] = {};
  if (v.name.trim() !== pattern.name) out.name = v.name.trim();
  if (v.team_id !== String(teamOf(pattern)?.id ?? '')) out.team_id = v.team_id ? Number(v.team_id) : null;
  if (v.area_id !== String(pattern.area.id)) out.area_id = Number(v.area_id);
  if ([...v.weekdays].sort().join() !== [...pattern.weekdays].sort().join()) out.weekdays = [...v.weekdays].sort();
  if (v.start_time !== pattern.start_time) out.start_time = v.start_time;
  if (Number(v.duration_minutes) !== pattern.duration_minutes) out.duration_minutes = Number(v.duration_minutes);
  if (Number(v.places) !== pattern.places) out.places = Number(v.places);
  if (v.leader_needed !== pattern.leader_needed) out.leader_needed = v.leader_needed;
  if (v.note.trim() !== pattern.note) out.note = v.note.trim();
  if ((v.valid_until || null) !== pattern.valid_until) out.valid_until = v.valid_until || null;
  if ([...v.skipped_dates].sort().join() !== [...pattern.skipped_dates].sort().join()) out.skipped_dates = [...v.skipped_dates].sort();
  return out;
}

function WeekdayChips(props: { value: number[]; onChange: (days: number[]) => void; error?: string }) {
  const toggle = (day: number) => props.onChange(props.value.includes(day) ? props.value.filter((d) => d !== day) : [...props.value, day].sort());
  return (
    <div class={'field' + (props.error ? ' field-invalid' : '')}>
      <fieldset class="weekday-chips" aria-invalid={props.error ? true : undefined} data-testid="pattern-weekdays">
        <legend>{t('pattern.weekdays')}</legend>
        {[1, 2, 3, 4, 5, 6, 7].map((day) => (
          <button type="button" key={day} class="chip" aria-pressed={props.value.includes(day)} onClick={() => toggle(day)} data-testid={`weekday-${day}`}>
            {weekdayName(day, locale.value)}
          </button>
        ))}
      </fieldset>
      {props.error && (
        <p class="field-error" data-testid="pattern-weekdays-error">
          {props.error}
        </p>
      )}
    </div>
  );
}

function SkippedDates(props: { value: string[]; onChange: (days: string[]) => void; error?: string }) {
  const [day, setDay] = useState('');
  const lang = locale.value;
  return (
    <div class={'field' + (props.error ? ' field-invalid' : '')}>
      <p class="field-label">{t('pattern.skipped')}</p>
      {props.value.length === 0 ? (
        <p class="muted small">{t('pattern.noSkipped')}</p>
      ) : (
        <ul class="skip-list" data-testid="pattern-skipped">
          {props.value.map((d) => (
            <li key={d}>
              <button type="button" class="btn btn-secondary btn-small" onClick={() => props.onChange(props.value.filter((x) => x !== d))} aria-label={t('pattern.skipRemove', { day: dayName(d, lang) })}>
                {dayName(d, lang)} ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="field-row">
        <Field label={t('pattern.skipDay')} type="date" value={day} onValue={setDay} testid="pattern-skip-day" />
        <div class="field skip-add">
          <button
            type="button"
            class="btn btn-secondary"
            disabled={!isDay(day)}
            onClick={() => {
              if (isDay(day) && !props.value.includes(day)) props.onChange([...props.value, day].sort());
              setDay('');
            }}
            data-testid="pattern-skip-add"
          >
            {t('pattern.skipAdd')}
          </button>
        </div>
      </div>
      {props.error && <p class="field-error">{props.error}</p>}
    </div>
  );
}

function ChangeReport({ change }: { change: PatternChange }) {
  return (
    <section data-testid="pattern-change">
      <Notice testid="pattern-changed">{t('pattern.changed', { updated: change.updated, removed: change.removed })}</Notice>
      {change.left_alone.length === 0 ? (
        <p class="muted">{t('pattern.nothingLeftAlone')}</p>
      ) : (
        <>
          <Info testid="pattern-left-alone">{t('pattern.leftAlone', { n: change.left_alone.length })}</Info>
          <ul class="list" data-testid="left-alone">
            {change.left_alone.map((shift) => (
              <ShiftRow key={shift.id} shift={shift} />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function PatternForm({ pattern, unitId, onChanged }: { pattern: Pattern | null; unitId: string; onChanged: (change: PatternChange) => void }) {
  const { route } = useLocation();
  const units = useQuery(unitsInScope, []);
  const form = useForm<Values>({
    initial: initial(pattern, unitId),
    validate: (v) => ({
      name: v.name.trim() ? undefined : problem('required'),
      unit_id: v.unit_id ? undefined : problem('required'),
      area_id: v.area_id ? undefined : problem('required'),
      weekdays: v.weekdays.length ? undefined : problem('required'),
      start_time: /^\d\d:\d\d$/.test(v.start_time) ? undefined : problem(v.start_time ? 'not_a_time' : 'required'),
      places: /^\d+$/.test(v.places) && Number(v.places) >= 1 ? undefined : problem(v.places ? 'not_an_integer' : 'required'),
      valid_from: isDay(v.valid_from) ? undefined : problem('not_a_date'),
      valid_until: !v.valid_until || isDay(v.valid_until) ? undefined : problem('not_a_date'),
    }),
    submit: async (v) => {
      if (pattern) return onChanged(await updatePattern(pattern.id, changes(pattern, v)));
      const created = await createPattern({
        unit_id: Number(v.unit_id),
        name: v.name.trim(),
        team_id: v.team_id ? Number(v.team_id) : null,
        area_id: Number(v.area_id),
        weekdays: [...v.weekdays].sort(),
        start_time: v.start_time,
        duration_minutes: Number(v.duration_minutes),
        places: Number(v.places),
        leader_needed: v.leader_needed,
        note: v.note.trim(),
        valid_from: v.valid_from,
        valid_until: v.valid_until || null,
        skipped_dates: v.skipped_dates,
      });
      setFlash(t('board.patternCreated', { name: created.name }));
      const today = localDay(new Date());
      route(`/board?unit=${created.unit.id}&week=${mondayOf(created.valid_from > today ? created.valid_from : today)}`);
    },
    onField: { pattern_overlap: 'start_time', area_not_in_unit: 'area_id', team_not_in_unit: 'team_id' },
    summary: t('pattern.summaryError'),
    leaves: !pattern,
  });
  const v = form.values;
  const teams = useQuery(() => (v.unit_id ? teamsOf(Number(v.unit_id)) : Promise.resolve([])), [v.unit_id]);
  const areas = useQuery(() => areasOf(), []);
  const mapAreas: MapArea[] = (areas.data ?? []).flatMap((area) => {
    const geometry = parseGeometry(area.geometry).geometry;
    return geometry && area.is_active ? [{ id: area.id, name: area.name, geometry }] : [];
  });
  const durations = DURATIONS.includes(Number(v.duration_minutes)) ? DURATIONS : [...DURATIONS, Number(v.duration_minutes)].sort((a, b) => a - b);
  const errors = form.errors.fields;

  if (units.needsConnection || areas.needsConnection) return <NeedsConnection />;
  return (
    <form class="form" onSubmit={form.onSubmit} noValidate data-testid="pattern-form">
      <ErrorBox error={form.errors.general} />
      <Field label={t('pattern.name')} hint={t('pattern.nameHint')} maxLength={80} {...form.text('name')} testid="pattern-name" />
      {!pattern && units.data && (
        <UnitPicker units={units.data} value={v.unit_id ? Number(v.unit_id) : undefined} onChange={(id) => form.setValues((old) => ({ ...old, unit_id: String(id), team_id: '' }))} label={t('pattern.unit')} testid="pattern-unit" />
      )}
      <SelectField
        label={t('pattern.team')}
        {...form.text('team_id')}
        placeholder={t('pattern.teamAll')}
        options={(teams.data ?? []).map((team) => ({ value: String(team.id), label: team.name }))}
        testid="pattern-team"
      />
      <p class="field-label">{t('pattern.area')}</p>
      {areas.data && mapAreas.length === 0 ? (
        <Info>{t('pattern.noAreas')}</Info>
      ) : (
        <>
          <p class="hint">{t('pattern.areaHint')}</p>
          <MapView areas={mapAreas} selected={v.area_id ? Number(v.area_id) : null} onSelect={(id) => form.set('area_id', String(id))} testid="pattern-area-map" />
        </>
      )}
      <SelectField
        label={t('pattern.areaChosen')}
        {...form.text('area_id')}
        placeholder={t('pattern.pickArea')}
        options={(areas.data ?? []).filter((a) => a.is_active).map((area) => ({ value: String(area.id), label: area.name }))}
        testid="pattern-area"
      />
      <WeekdayChips value={v.weekdays} onChange={(days) => form.set('weekdays', days)} error={errors.weekdays} />
      <div class="field-row">
        <Field label={t('pattern.start')} type="time" {...form.text('start_time')} testid="pattern-start" />
        <SelectField
          label={t('pattern.duration')}
          {...form.text('duration_minutes')}
          options={durations.map((m) => ({ value: String(m), label: durationText(m) }))}
          testid="pattern-duration"
        />
      </div>
      <Field label={t('pattern.places')} type="number" inputMode="numeric" min={1} {...form.text('places')} testid="pattern-places" />
      <Toggle label={t('pattern.leaderNeeded')} checked={v.leader_needed} onChange={(on) => form.set('leader_needed', on)} testid="pattern-leader" />
      <Field label={t('pattern.note')} maxLength={500} {...form.text('note')} testid="pattern-note" />
      <div class="field-row">
        {pattern ? (
          <div class="field">
            <p class="field-label">{t('pattern.validFrom')}</p>
            <p>{dayName(pattern.valid_from, locale.value)}</p>
          </div>
        ) : (
          <Field label={t('pattern.validFrom')} type="date" {...form.text('valid_from')} testid="pattern-from" />
        )}
        <Field label={t('pattern.validUntil')} type="date" {...form.text('valid_until')} testid="pattern-until" />
      </div>
      <SkippedDates value={v.skipped_dates} onChange={(days) => form.set('skipped_dates', days)} error={errors.skipped_dates} />
      <SubmitButton label={t(pattern ? 'pattern.save' : 'pattern.create')} busy={form.busy} testid="pattern-save" />
    </form>
  );
}

/** Create (`/patterns/new`) or edit a recurring pattern; an edit says which signed-up shifts it left alone. */
export function PatternEditor({ id }: { id: string }) {
  const { query } = useLocation();
  const creating = id === 'new';
  const pattern = useQuery(() => (creating ? Promise.resolve(null) : getPattern(Number(id))), [id]);
  const [change, setChange] = useState<PatternChange | null>(null);
  const [version, setVersion] = useState(0);
  const current = change?.pattern ?? pattern.data ?? null;
  const unitId = query.unit ?? '';
  const units = useQuery(() => (creating && !unitId ? unitsInScope() : Promise.resolve([])), [creating, unitId]);
  const fallbackUnit = units.data?.length ? String(pickUnit(units.data, undefined)?.id ?? '') : '';
  const changed = (next: PatternChange) => {
    setChange(next);
    setVersion((n) => n + 1);
    scrollTo({ top: 0 });
  };
  return (
    <Page title={t(creating ? 'pattern.newTitle' : 'pattern.editTitle')} back={`/patterns?unit=${current?.unit.id ?? unitId}`} testid="pattern-page">
      {change && <ChangeReport change={change} />}
      {pattern.needsConnection ? (
        <NeedsConnection />
      ) : creating ? (
        units.loading ? (
          <Loading />
        ) : (
          <PatternForm pattern={null} unitId={unitId || fallbackUnit} onChanged={changed} />
        )
      ) : !current ? (
        pattern.loading ? (
          <Loading />
        ) : (
          <ErrorBox error={pattern.error} onRetry={pattern.reload} />
        )
      ) : (
        <>
          <PatternForm key={version} pattern={current} unitId={String(current.unit.id)} onChanged={changed} />
          <section class="card" aria-label={t(current.is_active ? 'pattern.deactivate' : 'pattern.activate')}>
            {current.is_active ? (
              <>
                <p class="hint">{t('pattern.deactivateHint')}</p>
                <ConfirmButton
                  label={t('pattern.deactivate')}
                  confirmLabel={t('pattern.deactivateConfirm')}
                  onConfirm={() => updatePattern(current.id, { is_active: false }).then(changed, () => undefined)}
                  testid="pattern-deactivate"
                />
              </>
            ) : (
              <ConfirmButton
                class="btn btn-secondary"
                label={t('pattern.activate')}
                confirmLabel={t('pattern.activate')}
                onConfirm={() => updatePattern(current.id, { is_active: true }).then(changed, () => undefined)}
                testid="pattern-activate"
              />
            )}
            <a href={`/board?unit=${current.unit.id}`} class="btn btn-secondary" data-testid="pattern-to-board">
              {t('pattern.toBoard')}
            </a>
          </section>
        </>
      )}
    </Page>
  );
}
