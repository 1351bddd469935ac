import { Badge } from '../../../ui/feedback';
import { hoursAndMinutes } from '../../shifts/time';
import type { Position, Punctuality } from '../api';
import { t } from '../i18n';

type Key = Parameters<typeof t>[0];

export const PUNCTUALITY_LABEL = { early: 'punctuality.early', on_time: 'punctuality.on_time', late: 'punctuality.late' } as const satisfies Record<Punctuality, Key>;

const FLAG_LABEL: Record<string, Key> = {
  check_in_outside: 'flag.check_in_outside',
  check_in_no_fix: 'flag.check_in_no_fix',
  imprecise: 'flag.imprecise',
  recorded_offline: 'flag.recorded_offline',
  by_proxy: 'flag.by_proxy',
  auto_closed: 'flag.auto_closed',
  corrected: 'flag.corrected',
};

/** A flag the server sends; one this version does not know yet shows as it is. */
export function flagText(flag: string): string {
  const key = FLAG_LABEL[flag];
  return key ? t(key) : flag;
}

export function PositionBadge({ position, distance, testid }: { position: Position; distance: number | null; testid?: string }) {
  if (position === 'on_site')
    return (
      <Badge kind="ok" testid={testid}>
        {t('position.on_site')}
      </Badge>
    );
  if (position === 'outside')
    return (
      <Badge kind="warn" testid={testid}>
        {distance === null ? t('position.outsideShort') : t('position.outside', { m: distance })}
      </Badge>
    );
  return (
    <Badge kind="muted" testid={testid}>
      {t('position.no_fix')}
    </Badge>
  );
}

export function PunctualityBadge({ punctuality, testid }: { punctuality: Punctuality; testid?: string }) {
  return (
    <Badge kind={punctuality === 'late' ? 'warn' : 'ok'} testid={testid}>
      {t(PUNCTUALITY_LABEL[punctuality])}
    </Badge>
  );
}

/** 150 → "2 小时 30 分钟". */
export function CreditedTime(minutes: number): string {
  const { hours, minutes: rest } = hoursAndMinutes(minutes);
  if (hours && rest) return t('hm.both', { h: hours, m: rest });
  return hours ? t('hm.hours', { h: hours }) : t('hm.minutes', { m: rest });
}
