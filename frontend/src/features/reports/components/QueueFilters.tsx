import { useLocation } from 'preact-iso';
import { t as tc } from '../../../i18n/common';
import { useQuery } from '../../../ui/data';
import { Field, SelectField, Toggle } from '../../../ui/fields';
import { allUnits } from '../../admin/api';
import { allTeams } from '../../teams/api';
import { listCategories, listDepartments } from '../api';
import { NO_FILTERS, SEVERITIES, SORTS, STATUSES, countFilters, filtersFromQuery, filtersToSearch, type Filters } from '../filters';
import { t } from '../i18n';
import { SEVERITY_LABEL, SORT_LABEL, STATUS_LABEL } from '../labels';

/** What the filters can choose from; a list the caller may not read (a handler and teams) is just empty. */
async function loadChoices() {
  const quietly = <T,>(p: Promise<T[]>) => p.catch((): T[] => []);
  const [categories, units, departments, teams] = await Promise.all([
    quietly(listCategories()),
    quietly(allUnits()),
    quietly(listDepartments()),
    quietly(allTeams()),
  ]);
  return { categories, units, departments, teams };
}

/** The filters in the address, and a way to change them (the address follows, replacing itself). */
export function useFilters(base: string): [Filters, (next: Filters) => void] {
  const { query, route } = useLocation();
  const filters = filtersFromQuery(query);
  return [filters, (next) => route(base + filtersToSearch(next), true)];
}

function toggle<T>(list: T[], item: T): T[] {
  return list.includes(item) ? list.filter((x) => x !== item) : [...list, item];
}

/** The queue's and the map's filters, folded away until opened; the summary says how many are set. */
export function QueueFilters({ filters, onChange, sort = true }: { filters: Filters; onChange: (next: Filters) => void; sort?: boolean }) {
  const choices = useQuery(loadChoices, []);
  const c = choices.data;
  const n = countFilters(filters);
  const set = (change: Partial<Filters>) => onChange({ ...filters, ...change });
  return (
    <details class="card filters" data-testid="queue-filters">
      <summary class="filters-summary" data-testid="filters-toggle">
        {n ? t('queue.filtersN', { n }) : t('queue.filters')}
      </summary>
      <fieldset class="picks-set">
        <legend>{t('queue.status')}</legend>
        <div class="picks">
          {STATUSES.map((status) => (
            <button
              key={status}
              type="button"
              class="pick pick-small"
              aria-pressed={filters.status.includes(status)}
              onClick={() => set({ status: toggle(filters.status, status) })}
              data-testid={`filter-status-${status}`}
            >
              {t(STATUS_LABEL[status])}
            </button>
          ))}
        </div>
      </fieldset>
      <fieldset class="picks-set">
        <legend>{t('queue.severity')}</legend>
        <div class="picks">
          {SEVERITIES.map((severity) => (
            <button
              key={severity}
              type="button"
              class="pick pick-small"
              aria-pressed={filters.severity.includes(severity)}
              onClick={() => set({ severity: toggle(filters.severity, severity) })}
              data-testid={`filter-severity-${severity}`}
            >
              {t(SEVERITY_LABEL[severity])}
            </button>
          ))}
        </div>
      </fieldset>
      <SelectField
        label={t('queue.category')}
        value={filters.category.length === 1 ? String(filters.category[0]) : ''}
        onValue={(value) => set({ category: value ? [Number(value)] : [] })}
        placeholder={t('queue.all')}
        options={(c?.categories ?? []).map((category) => ({ value: String(category.id), label: category.name }))}
        testid="filter-category"
      />
      {(c?.units.length ?? 0) > 1 && (
        <SelectField
          label={t('queue.unit')}
          value={filters.unit ? String(filters.unit) : ''}
          onValue={(value) => set({ unit: value ? Number(value) : undefined })}
          placeholder={t('queue.all')}
          options={(c?.units ?? []).map((unit) => ({ value: String(unit.id), label: unit.name }))}
          testid="filter-unit"
        />
      )}
      {(c?.departments.length ?? 0) > 0 && (
        <SelectField
          label={t('queue.department')}
          value={filters.department ? String(filters.department) : ''}
          onValue={(value) => set({ department: value ? Number(value) : undefined })}
          placeholder={t('queue.all')}
          options={(c?.departments ?? []).map((department) => ({ value: String(department.id), label: department.name }))}
          testid="filter-department"
        />
      )}
      {(c?.teams.length ?? 0) > 0 && (
        <SelectField
          label={t('queue.team')}
          value={filters.team ? String(filters.team) : ''}
          onValue={(value) => set({ team: value ? Number(value) : undefined })}
          placeholder={t('queue.all')}
          options={(c?.teams ?? []).map((team) => ({ value: String(team.id), label: team.name }))}
          testid="filter-team"
        />
      )}
      <div class="date-pair">
        <Field label={t('queue.from')} type="date" value={filters.from ?? ''} onValue={(value) => set({ from: value || undefined })} testid="filter-from" />
        <Field label={t('queue.to')} type="date" value={filters.to ?? ''} onValue={(value) => set({ to: value || undefined })} testid="filter-to" />
      </div>
      <Toggle label={t('queue.overdue')} checked={filters.overdue} onChange={(overdue) => set({ overdue })} testid="filter-overdue" />
      {sort && (
        <SelectField
          label={t('queue.sort')}
          value={filters.sort}
          onValue={(value) => set({ sort: SORTS.find((s) => s === value) ?? '-created_at' })}
          options={SORTS.map((s) => ({ value: s, label: t(SORT_LABEL[s]) }))}
          testid="filter-sort"
        />
      )}
      {n > 0 && (
        <button type="button" class="btn btn-secondary" onClick={() => onChange({ ...NO_FILTERS, sort: filters.sort })} data-testid="filters-clear">
          {t('queue.clear')}
        </button>
      )}
      {choices.error ? <p class="muted small">{tc('error.generic')}</p> : null}
    </details>
  );
}
