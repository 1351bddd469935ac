import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { locale } from '../../../i18n';
import { errorText } from '../../../i18n/errors/text';
import { ActionButton } from '../../../ui/buttons';
import { useQuery } from '../../../ui/data';
import { Badge, ErrorBox, Notice } from '../../../ui/feedback';
import { SelectField } from '../../../ui/fields';
import { Loading, NeedsConnection, Page } from '../../../ui/Page';
import { createShift, teamsOf, unitsInScope, weekBoard, type Shift } from '../api';
import { FillMeter, forWhom, gapOf, missingLeader, teamOf, whenOf } from '../components/bits';
import { SwapApprovals } from '../components/SwapApprovals';
import { pickUnit, UnitPicker } from '../components/UnitPicker';
import { takeFlash } from '../flash';
import { t } from '../i18n';
import { addDays, isDay, localDay, mondayOf, movedByDays } from '../time';
import { clock, dayName, weekdayName } from '../when';

function BoardShift({ shift }: { shift: Shift }) {
  const cancelled = shift.status === 'cancelled';
  const gap = gapOf(shift);
  const noLeader = missingLeader(shift);
  const names = shift.signups.filter((s) => s.status !== 'dropped').map((s) => s.user.display_name);
  return (
    <a
      href={`/shifts/${shift.id}`}
      class={'board-shift' + (cancelled ? ' is-cancelled' : gap > 0 ? ' has-gap' : '') + (noLeader ? ' no-leader' : '')}
      data-testid={`board-shift-${shift.id}`}
    >
      <span class="board-time">
        {clock(shift.starts_at)}–{clock(shift.ends_at)}
      </span>
      <span class="sr-only"> {whenOf(shift)}</span>
      <p>{shift.area.name}</p>
      <p class="muted small">{forWhom(shift)}</p>
      <FillMeter shift={shift} />
      <span class="badges">
        {cancelled ? (
          <Badge kind="muted">{t('shift.cancelled')}</Badge>
        ) : (
          <>
            {gap > 0 ? <Badge kind="warn">{t('shift.gap', { n: gap })}</Badge> : <Badge kind="ok">{t('shift.full')}</Badge>}
            {noLeader && <Badge kind="bad">{t('shift.leaderMissing')}</Badge>}
            {shift.pattern_id === null && <Badge kind="muted">{t('shift.oneOff')}</Badge>}
          </>
        )}
      </span>
      {names.length > 0 && <p class="small">{names.join('、')}</p>}
    </a>
  );
}

/**
 * Repeat a week's one-off shifts (not made by a pattern) a week later, one POST each; a shift
 * already there next week (same place, team and times) is not made twice.
 */
function CopyWeek({ shifts, week, onNextWeek }: { shifts: Shift[]; week: string; onNextWeek: () => void }) {
  const oneOffs = shifts.filter((s) => s.pattern_id === null && s.status === 'scheduled');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ copied: number; there: number; failed: string[] } | null>(null);
  if (!oneOffs.length && !result) return null;
  const sameAs = (a: { starts_at: string; ends_at: string; area: { id: number }; team: Shift['team'] }, b: typeof a) =>
    Date.parse(a.starts_at) === Date.parse(b.starts_at) &&
    Date.parse(a.ends_at) === Date.parse(b.ends_at) &&
    a.area.id === b.area.id &&
    teamOf(a)?.id === teamOf(b)?.id;
  const copy = async () => {
    setBusy(true);
    let copied = 0;
    let there = 0;
    const failed: string[] = [];
    const units = [...new Set(oneOffs.map((s) => s.unit.id))];
    // Next week as it is (if it can't be read, nothing is skipped: the server still checks each shift).
    const next: Shift[] = await Promise.all(units.map((unit) => weekBoard({ unit_id: unit }, addDays(week, 7), 7))).then(
      (weeks) => weeks.flat().filter((s) => s.status === 'scheduled'),
      () => [],
    );
    for (const shift of oneOffs) {
      const moved = movedByDays(shift.starts_at, shift.ends_at, 7);
      if (next.some((other) => sameAs(other, { ...shift, ...moved }))) {
        there++;
        continue;
      }
      try {
        await createShift({
          unit_id: shift.unit.id,
          team_id: teamOf(shift)?.id ?? null,
          area_id: shift.area.id,
          places: shift.places,
          leader_needed: shift.leader_needed,
          note: shift.note,
          ...moved,
        });
        copied++;
      } catch (e) {
        failed.push(t('board.copyFailed', { when: whenOf(shift), error: errorText(e) }));
      }
    }
    setBusy(false);
    setResult({ copied, there, failed });
  };
  return (
    <section class="card" aria-label={t('board.copy')} data-testid="copy-week">
      {result ? (
        <>
          <Notice testid="copy-result">
            {t('board.copied', { n: result.copied })}
            {result.there > 0 && <> {t('board.copyThere', { n: result.there })}</>}
          </Notice>
          {result.failed.map((line) => (
            <ErrorBox key={line} error={line} />
          ))}
          <button type="button" class="btn btn-secondary btn-block" onClick={onNextWeek} data-testid="copy-to-next">
            {t('board.next')} ›
          </button>
        </>
      ) : (
        <>
          <p>{t('board.copyHint', { n: oneOffs.length })}</p>
          <ActionButton class="btn btn-secondary btn-block" busy={busy} onClick={copy} testid="copy-week-button">
            {t('board.copy')}
          </ActionButton>
        </>
      )}
    </section>
  );
}

/** A community's (or a team's) week: fill, gaps and missing leaders at a glance; tap a shift to fill it. */
export default function Board() {
  const { query, route } = useLocation();
  const [flash] = useState(takeFlash);
  const units = useQuery(unitsInScope, []);
  const unit = units.data ? pickUnit(units.data, query.unit) : undefined;
  const teamId = query.team ? Number(query.team) : undefined;
  const today = localDay(new Date());
  const week = isDay(query.week) ? mondayOf(query.week) : mondayOf(today);
  const teams = useQuery(() => (unit ? teamsOf(unit.id) : Promise.resolve([])), [unit?.id]);
  const board = useQuery(
    () => (unit ? weekBoard(teamId ? { team_id: teamId } : { unit_id: unit.id }, week, 7) : Promise.resolve([])),
    [unit?.id, teamId, week],
  );
  const go = (change: { unit?: number; team?: number | null; week?: string }) => {
    const next = new URLSearchParams();
    next.set('unit', String(change.unit ?? unit?.id ?? ''));
    const team = change.team === undefined ? (change.unit ? undefined : teamId) : change.team;
    if (team) next.set('team', String(team));
    next.set('week', change.week ?? week);
    route(`/board?${next.toString()}`, true);
  };

  const shifts = board.data ?? [];
  const live = shifts.filter((s) => s.status === 'scheduled');
  const gaps = live.reduce((n, s) => n + gapOf(s), 0);
  const noLeader = live.filter(missingLeader).length;
  const lang = locale.value;

  return (
    <Page title={t('board.title')} back="/" testid="board-page">
      {flash && <Notice testid="board-flash">{flash}</Notice>}
      {units.needsConnection || board.needsConnection ? (
        <NeedsConnection />
      ) : (
        <>
          <div class="btn-row page-actions">
            <a href={`/patterns?unit=${unit?.id ?? ''}`} class="btn btn-secondary btn-small" data-testid="to-patterns">
              {t('board.patterns')}
            </a>
            <a href="#swaps-h" class="btn btn-secondary btn-small" data-testid="to-swaps">
              {t('board.swaps')}
            </a>
            <a href={`/scheduling-rules?unit=${unit?.id ?? ''}`} class="btn btn-secondary btn-small" data-testid="to-rules">
              {t('board.rules')}
            </a>
          </div>
          {units.data && <UnitPicker units={units.data} value={unit?.id} onChange={(id) => go({ unit: id, team: null })} label={t('board.unit')} testid="board-unit" />}
          {(teams.data?.length ?? 0) > 1 && (
            <SelectField
              label={t('board.team')}
              value={teamId ? String(teamId) : ''}
              onValue={(v) => go({ team: v ? Number(v) : null })}
              placeholder={t('board.allTeams')}
              options={(teams.data ?? []).map((team) => ({ value: String(team.id), label: team.name }))}
              testid="board-team"
            />
          )}
          <nav class="week-nav" aria-label={t('board.week', { from: dayName(week, lang, false), to: dayName(addDays(week, 6), lang, false) })}>
            <button type="button" class="btn btn-secondary btn-small" onClick={() => go({ week: addDays(week, -7) })} data-testid="week-prev">
              ‹ <span class="sr-only">{t('board.prev')}</span>
            </button>
            <span class="week-label">
              <span data-testid="week-label">{t('board.week', { from: dayName(week, lang, false), to: dayName(addDays(week, 6), lang, false) })}</span>
              {week !== mondayOf(today) && (
                <button type="button" class="link-button" onClick={() => go({ week: mondayOf(today) })} data-testid="week-this">
                  {t('board.thisWeek')}
                </button>
              )}
            </span>
            <button type="button" class="btn btn-secondary btn-small" onClick={() => go({ week: addDays(week, 7) })} data-testid="week-next">
              <span class="sr-only">{t('board.next')}</span> ›
            </button>
          </nav>
          {!board.data ? (
            board.loading || units.loading ? (
              <Loading />
            ) : (
              <ErrorBox error={board.error ?? units.error} onRetry={board.reload} />
            )
          ) : (
            <>
              <p class="board-summary" data-testid="board-summary">
                <strong>{t('board.summary', { n: live.length })}</strong>
                {gaps > 0 ? <Badge kind="warn">{t('board.gaps', { n: gaps })}</Badge> : live.length > 0 && <Badge kind="ok">{t('board.allFilled')}</Badge>}
                {noLeader > 0 && <Badge kind="bad">{t('board.noLeader', { n: noLeader })}</Badge>}
              </p>
              {live.length > 0 && <p class="hint">{t('board.legend')}</p>}
              {shifts.length === 0 && <p class="muted">{t('board.emptyWeek')}</p>}
              <div class="board-wide">
                <ol class="board-days" data-testid="board-days">
                  {[0, 1, 2, 3, 4, 5, 6].map((offset) => {
                    const day = addDays(week, offset);
                    const ofDay = shifts.filter((s) => localDay(s.starts_at) === day);
                    return (
                      <li key={day} class={'board-day' + (day === today ? ' is-today' : '')} data-testid={`board-day-${day}`}>
                        <h2>
                          <span>{weekdayName(offset + 1, lang, 'long')}</span>
                          <span class="muted small">{dayName(day, lang, false)}</span>
                        </h2>
                        {ofDay.length === 0 ? <p class="empty small">{t('board.noShifts')}</p> : ofDay.map((shift) => <BoardShift key={shift.id} shift={shift} />)}
                      </li>
                    );
                  })}
                </ol>
              </div>
              <CopyWeek key={week} shifts={shifts} week={week} onNextWeek={() => go({ week: addDays(week, 7) })} />
            </>
          )}
          <SwapApprovals />
        </>
      )}
    </Page>
  );
}
