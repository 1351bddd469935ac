import '../attendance.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import { offline } from '../../../api/connectivity';
import { ApiError } from '../../../api/errors';
import { locale } from '../../../i18n';
import { errorText } from '../../../i18n/errors/text';
import type { NoFixReason } from '../../../map/position';
import { Badge, ErrorBox, Info } from '../../../ui/feedback';
import { clock, momentText } from '../../shifts/when';
import type { Attendance, PresenceKind } from '../api';
import { t } from '../i18n';
import { isDue, keptFor, kindOf, opensAt, queuedFor, refreshKept, tapPresence } from '../presence';
import { CreditedTime, PositionBadge, PunctualityBadge } from './labels';

interface ShiftTimes {
  id: number;
  starts_at: string;
  ends_at: string;
  status: 'scheduled' | 'cancelled';
}

type Step = 'idle' | 'locating' | 'sending';

/** What the check-in said about where and when. */
export function CheckInResult({ record }: { record: Attendance }) {
  return (
    <div class="checkin-result" data-testid="checkin-result">
      {record.checked_in_at && (
        <p class="checkin-time" data-testid="checkin-time">
          ✓ {t('checkin.done', { time: clock(record.checked_in_at) })}
        </p>
      )}
      <p class="badges">
        {record.check_in_position && <PositionBadge position={record.check_in_position} distance={record.check_in_distance_m} testid="checkin-position" />}
        {record.punctuality && <PunctualityBadge punctuality={record.punctuality} testid="checkin-punctuality" />}
        {record.flags.includes('recorded_offline') && <Badge kind="muted">{t('flag.recorded_offline')}</Badge>}
      </p>
      {record.checked_out_at && (
        <>
          <p class="checkin-time" data-testid="checkout-time">
            ✓ {t('checkin.outDone', { time: clock(record.checked_out_at) })}
          </p>
          <p data-testid="checkout-credited">{t('checkin.credited', { hm: CreditedTime(record.credited_minutes) })}</p>
        </>
      )}
    </div>
  );
}

/**
 * The one big button: check in when the shift is due (an hour before to its end), then check
 * out. The position is asked for with each tap; without one (refused, indoors) the tap still
 * counts, marked "no position", and the screen says why.
 */
export function CheckInPanel({ shift, now }: { shift: ShiftTimes; now: Date }) {
  const [step, setStep] = useState<Step>('idle');
  const [error, setError] = useState<unknown>(null);
  const [noFix, setNoFix] = useState<NoFixReason | undefined>(undefined);
  const skipper = useRef<() => void>(() => undefined);
  const [canSkip, setCanSkip] = useState(false);
  const record = keptFor(shift.id)?.record;
  const queued = queuedFor(shift.id);
  const due = isDue(shift, now);

  // After a restart, or on another phone: ask the server whether I checked in already; and
  // again once taps kept in the outbox have gone out (the server's record says how it judged them).
  const isOffline = offline.value;
  const sending = queued.filter((entry) => !entry.failed).length;
  const wasSending = useRef(sending);
  useEffect(() => {
    const sent = wasSending.current > sending;
    wasSending.current = sending;
    if ((due && !record) || sent) if (!isOffline) refreshKept(shift).catch(() => undefined);
  }, [due, !!record, isOffline, shift.id, sending]); // eslint-disable-line react-hooks/exhaustive-deps -- refetch only when these change

  if (!due && !record) {
    if (shift.status !== 'scheduled' || now > new Date(shift.ends_at)) return null;
    return (
      <p class="muted" data-testid="checkin-opens">
        {t('checkin.opensAt', { when: momentText(opensAt(shift).toISOString(), locale.value, now) })}
      </p>
    );
  }

  const pending = queued.filter((entry) => !entry.failed);
  const checkedIn = !!record?.checked_in_at || pending.some((entry) => kindOf(entry) === 'check-in');
  const checkedOut = !!record?.checked_out_at || pending.some((entry) => kindOf(entry) === 'check-out');
  const kind: PresenceKind = checkedIn ? 'check-out' : 'check-in';

  const tap = async () => {
    setError(null);
    setNoFix(undefined);
    setStep('locating');
    setCanSkip(false);
    const skip = new Promise<void>((resolve) => (skipper.current = resolve));
    const offerSkip = setTimeout(() => setCanSkip(true), 4000);
    try {
      const outcome = await tapPresence(kind, shift, skip, () => setStep('sending'));
      setNoFix(outcome.noFix);
    } catch (e) {
      setError(e);
    } finally {
      clearTimeout(offerSkip);
      setStep('idle');
      setCanSkip(false);
    }
  };

  return (
    <div class="checkin" data-testid="checkin">
      {record && <CheckInResult record={record} />}
      {queued.map((entry) =>
        entry.failed ? (
          <div key={entry.key} class="alert alert-error" role="alert" data-testid={`refused-${kindOf(entry)}`}>
            <p>{t('checkin.refused', { reason: errorText(new ApiError(entry.failed.status, entry.failed.error)) })}</p>
            <a href="/outbox" class="btn btn-secondary btn-small">
              {t('checkin.toOutbox')}
            </a>
          </div>
        ) : (
          <div key={entry.key} class="alert alert-info" role="status" data-testid={`queued-${kindOf(entry)}`}>
            <Badge kind="warn">{t('checkin.waiting')}</Badge>{' '}
            {t(kindOf(entry) === 'check-in' ? 'checkin.queued' : 'checkin.queuedOut', { time: clock(new Date(entry.createdAt)) })}
          </div>
        ),
      )}
      {noFix && <Info testid="checkin-nofix">{t(noFix === 'denied' ? 'checkin.geoDenied' : 'checkin.geoFailed')}</Info>}
      {error !== null &&
        (error instanceof ApiError && error.network ? (
          <ErrorBox error={t('checkin.needsConnection')} testid="checkin-error" />
        ) : (
          <ErrorBox error={errorText(error)} testid="checkin-error" />
        ))}
      {!checkedOut && (
        <button
          type="button"
          class={'btn btn-block checkin-button' + (kind === 'check-in' ? ' btn-primary' : ' btn-secondary')}
          onClick={tap}
          disabled={step !== 'idle'}
          aria-busy={step !== 'idle' || undefined}
          data-testid={kind === 'check-in' ? 'checkin-button' : 'checkout-button'}
        >
          {step !== 'idle' && <span class={'spinner' + (kind === 'check-in' ? ' spinner-light' : '')} aria-hidden="true" />}
          {step === 'locating' ? t('checkin.locating') : step === 'sending' ? t('checkin.sending') : t(kind === 'check-in' ? 'checkin.button' : 'checkin.out')}
        </button>
      )}
      {canSkip && step === 'locating' && (
        <button type="button" class="btn btn-secondary btn-block" onClick={() => skipper.current()} data-testid="checkin-skip">
          {t('checkin.skipLocating')}
        </button>
      )}
    </div>
  );
}
