import '../shifts.css';
import { useEffect, useState } from 'preact/hooks';
import type { Schemas } from '../../../api/types';
import { locale } from '../../../i18n';
import { Badge } from '../../../ui/feedback';
import { t } from '../i18n';
import { shiftWhen } from '../when';

type Ref = Schemas['Ref'];
type WithTeam = { team: Ref | Record<string, never> | null };

const isRef = (value: object): value is Ref => 'id' in value && 'name' in value;

/** The API sends a missing team as null (the generated type also allows `{}`). */
export function teamOf(shift: WithTeam): Ref | null {
  const team = shift.team;
  return team && isRef(team) ? team : null;
}

export type Mine = 'active' | 'drop_requested' | 'waitlisted' | null;
const isMine = (value: string | null): value is Exclude<Mine, null> => value === 'active' || value === 'drop_requested' || value === 'waitlisted';
export function mineOf(detail: { mine: string | null }): Mine {
  return isMine(detail.mine) ? detail.mine : null;
}

export const MINE_LABEL = {
  active: 'shift.mine.active',
  drop_requested: 'shift.mine.drop_requested',
  waitlisted: 'shift.mine.waitlisted',
} as const satisfies Record<Exclude<Mine, null>, Parameters<typeof t>[0]>;

/** When, in the units' zone, in the current language. */
export function whenOf(shift: { starts_at: string; ends_at: string }, now?: Date): string {
  return shiftWhen(shift.starts_at, shift.ends_at, locale.value, now);
}

/** The time, re-read every half minute: due windows open while a screen stays open. */
export function useNow(everyMs = 30000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

interface FillShape {
  taken: number;
  places: number;
  leader_needed: boolean;
  leader_taken: boolean;
  status: 'scheduled' | 'cancelled';
}

export const gapOf = (shift: FillShape) => (shift.status === 'cancelled' ? 0 : Math.max(0, shift.places - shift.taken));
export const missingLeader = (shift: FillShape) => shift.status !== 'cancelled' && shift.leader_needed && !shift.leader_taken;

/** "3/6" with a bar; read out as "3 of 6 places taken". */
export function FillMeter({ shift, testid }: { shift: FillShape; testid?: string }) {
  const share = shift.places ? Math.min(1, shift.taken / shift.places) : 0;
  const state = shift.status === 'cancelled' ? 'off' : shift.taken >= shift.places ? 'full' : 'gap';
  return (
    <span class={`fill fill-${state}`} data-testid={testid} title={t('shift.fillLabel', { taken: shift.taken, places: shift.places })}>
      <span class="fill-text" aria-hidden="true">
        {t('shift.fill', { taken: shift.taken, places: shift.places })}
      </span>
      <span class="sr-only">{t('shift.fillLabel', { taken: shift.taken, places: shift.places })}</span>
      <span class="fill-bar" aria-hidden="true">
        <span style={{ width: `${Math.round(share * 100)}%` }} />
      </span>
    </span>
  );
}

/** What a coordinator or member should notice: gaps, a missing leader, full, cancelled. */
export function ShiftBadges({ shift }: { shift: FillShape & { pattern_id?: number | null } }) {
  if (shift.status === 'cancelled') return <Badge kind="muted">{t('shift.cancelled')}</Badge>;
  const gap = gapOf(shift);
  return (
    <span class="badges">
      {gap > 0 ? <Badge kind="warn">{t('shift.gap', { n: gap })}</Badge> : <Badge kind="ok">{t('shift.full')}</Badge>}
      {shift.leader_needed && (missingLeader(shift) ? <Badge kind="bad">{t('shift.leaderMissing')}</Badge> : <Badge kind="ok">{t('shift.leaderPresent')}</Badge>)}
    </span>
  );
}

export function distanceText(metres: number): string {
  return metres < 1000 ? t('shift.distanceM', { m: Math.round(metres / 10) * 10 }) : t('shift.distance', { km: (metres / 1000).toFixed(1) });
}

/** Who the shift is for: a team, or everyone in a unit. */
export function forWhom(shift: WithTeam & { unit: { name: string } }): string {
  const team = teamOf(shift);
  return team ? team.name : t('shift.wholeUnit', { unit: shift.unit.name });
}
