import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { locale } from '../../../i18n';
import { usePagedQuery, useQuery } from '../../../ui/data';
import { Badge } from '../../../ui/feedback';
import { Toggle } from '../../../ui/fields';
import { Page } from '../../../ui/Page';
import { PagedList } from '../../../ui/PagedList';
import { listPatterns, unitsInScope, type Pattern } from '../api';
import { forWhom } from '../components/bits';
import { PatternEditor } from '../components/PatternEditor';
import { durationText, patternWhen } from '../components/patterns';
import { pickUnit, UnitPicker } from '../components/UnitPicker';
import { t } from '../i18n';
import { dayName } from '../when';

function PatternRow({ pattern }: { pattern: Pattern }) {
  const lang = locale.value;
  return (
    <li>
      <a href={`/patterns/${pattern.id}`} class={'list-item list-link' + (pattern.is_active ? '' : ' is-inactive')} data-testid={`pattern-${pattern.id}`}>
        <div class="grow">
          <p class="item-title">
            {pattern.name} {!pattern.is_active && <Badge kind="muted">{t('patterns.inactive')}</Badge>}
          </p>
          <p>
            {patternWhen(pattern)} <span class="muted">({durationText(pattern.duration_minutes)})</span>
          </p>
          <p class="muted">
            {pattern.area.name} · {forWhom(pattern)} · {t('patterns.places', { n: pattern.places })}
            {pattern.leader_needed && <> · {t('shift.leaderNeeded')}</>}
          </p>
          <p class="muted small">
            {pattern.valid_until
              ? t('patterns.validRange', { from: dayName(pattern.valid_from, lang, false), until: dayName(pattern.valid_until, lang, false) })
              : t('patterns.validFrom', { from: dayName(pattern.valid_from, lang, false) })}
          </p>
        </div>
        <span aria-hidden="true" class="chev">
          ›
        </span>
      </a>
    </li>
  );
}

/** The recurring patterns of a unit, with the way to a new one; `/patterns/<id>` (or `new`) edits one. */
export default function Patterns({ id }: { id?: string }) {
  return id ? <PatternEditor id={id} /> : <PatternList />;
}

function PatternList() {
  const { query, route } = useLocation();
  const units = useQuery(unitsInScope, []);
  const unit = units.data ? pickUnit(units.data, query.unit) : undefined;
  const [inactive, setInactive] = useState(false);
  const list = usePagedQuery(
    unit ? (page) => listPatterns({ unit_id: unit.id, include_inactive: inactive, page }) : null,
    [unit?.id, inactive],
  );
  return (
    <Page title={t('patterns.title')} back={`/board?unit=${unit?.id ?? ''}`} testid="patterns-page">
      <a href={`/patterns/new?unit=${unit?.id ?? ''}`} class="btn btn-primary btn-block" data-testid="pattern-new">
        ＋ {t('patterns.new')}
      </a>
      {units.data && <UnitPicker units={units.data} value={unit?.id} onChange={(id) => route(`/patterns?unit=${id}`, true)} label={t('board.unit')} />}
      <div class="controls">
        <Toggle label={t('patterns.showInactive')} checked={inactive} onChange={setInactive} testid="patterns-inactive" />
      </div>
      <PagedList list={list} testid="pattern-list" empty={t('patterns.empty')} row={(pattern) => <PatternRow key={pattern.id} pattern={pattern} />} />
    </Page>
  );
}
