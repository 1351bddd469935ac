import { useState } from 'preact/hooks';
import { ApiError } from '../../../api/errors';
import { ActionButton } from '../../../ui/buttons';
import { ErrorBox, Info } from '../../../ui/feedback';
import { joinWaitlist, signUp, type ShiftDetail } from '../api';
import { t } from '../i18n';

/**
 * Sign up in one tap. Every refusal is said by its rule (errors/*.json); a full shift
 * (`shift_full`, also when many tapped at once) offers the waitlist in one more tap.
 */
export function SignUpButton(props: {
  shiftId: number;
  onDone: (detail: ShiftDetail, waitlisted: boolean) => void;
  /** Every place is visibly taken: offer the waitlist straight away. */
  full?: boolean;
  block?: boolean;
  testid?: string;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [full, setFull] = useState(!!props.full);
  const testid = props.testid ?? 'signup';
  const run = async (action: () => Promise<ShiftDetail>, waitlisted: boolean) => {
    setBusy(true);
    setError(null);
    try {
      props.onDone(await action(), waitlisted);
    } catch (e) {
      if (e instanceof ApiError && e.error === 'shift_full') setFull(true);
      else setError(e);
    } finally {
      setBusy(false);
    }
  };
  const block = props.block ? ' btn-block' : '';
  if (full)
    return (
      <div data-testid={`${testid}-full`}>
        <Info>{t('detail.fullOffer')}</Info>
        <ErrorBox error={error} testid={`${testid}-error`} />
        <ActionButton class={'btn btn-primary' + block} busy={busy} onClick={() => run(() => joinWaitlist(props.shiftId), true)} testid={`${testid}-waitlist`}>
          {t('detail.joinWaitlist')}
        </ActionButton>
      </div>
    );
  return (
    <div>
      <ErrorBox error={error} testid={`${testid}-error`} />
      <ActionButton class={'btn btn-primary' + block} busy={busy} onClick={() => run(() => signUp(props.shiftId), false)} testid={testid}>
        {t('open.signUp')}
      </ActionButton>
    </div>
  );
}
