import { useState } from 'preact/hooks';
import { ActionButton, ConfirmButton } from '../../../ui/buttons';
import { useQuery } from '../../../ui/data';
import { Badge, ErrorBox, Info, Notice } from '../../../ui/feedback';
import { Loading, NeedsConnection, Page } from '../../../ui/Page';
import { MapView } from '../../../map/MapView';
import { CheckInPanel } from '../../attendance/components/CheckIn';
import { capabilities, me } from '../../session/state';
import { cancelShift, dropShift, getRules, getShift, leaveWaitlist, offerSwap, type ShiftDetail, type Signup } from '../api';
import { AssignMember } from '../components/AssignMember';
import { FillMeter, MINE_LABEL, ShiftBadges, forWhom, mineOf, teamOf, useNow, whenOf } from '../components/bits';
import { useAreas } from '../components/ShiftRow';
import { SignUpButton } from '../components/SignUp';
import { t } from '../i18n';
import { localDay, mondayOf } from '../time';

const HOUR = 3600000;

function Person({ signup, shift, onChanged }: { signup: Signup; shift: ShiftDetail; onChanged: (detail: ShiftDetail, text: string) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const name = signup.user.display_name;
  const takeOff = async () => {
    setBusy(true);
    setError(null);
    try {
      onChanged(await dropShift(shift.id, signup.user.id), t('manage.removed', { name }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const manage = shift.can_manage && shift.status === 'scheduled';
  return (
    <li data-testid={`person-${signup.user.id}`}>
      <span class="person-name">{name}</span>
      {signup.is_leader && <Badge kind="ok">{t('detail.leader')}</Badge>}
      {signup.assigned === true && <Badge kind="muted">{t('detail.assigned')}</Badge>}
      {signup.status === 'drop_requested' && <Badge kind="warn">{t('detail.dropRequested')}</Badge>}
      {manage &&
        (signup.status === 'drop_requested' ? (
          <ActionButton class="btn btn-secondary btn-small" busy={busy} onClick={takeOff} testid={`approve-drop-${signup.user.id}`}>
            {t('manage.approveDrop')}
          </ActionButton>
        ) : (
          <ConfirmButton class="btn btn-danger-outline btn-small" label={t('manage.remove')} confirmLabel={t('manage.removeConfirm')} onConfirm={takeOff} busy={busy} testid={`remove-${signup.user.id}`} />
        ))}
      {error !== null && <ErrorBox error={error} />}
    </li>
  );
}

/** One shift: when, where, who; sign up (or the waitlist), drop, swap; coordinators assign and cancel. */
export default function ShiftPage({ id }: { id: string }) {
  const shiftId = Number(id);
  const can = capabilities.value;
  const now = useNow();
  const detail = useQuery(() => getShift(shiftId), [shiftId]);
  const unitId = detail.data?.unit.id;
  // The unit's rules say when a drop needs a coordinator; a shift seen from below may not let us read them.
  const rules = useQuery(() => (unitId ? getRules(unitId).catch(() => null) : Promise.resolve(null)), [unitId]);
  const areas = useAreas(detail.data ? [detail.data.area.id] : []);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const shift = detail.data;
  const back = shift?.can_manage ? `/board?unit=${shift.unit.id}&week=${mondayOf(localDay(shift.starts_at))}` : '/shifts';
  if (!shift)
    return (
      <Page title={t('detail.title')} back="/shifts" testid="shift-page">
        {detail.needsConnection ? <NeedsConnection /> : detail.loading ? <Loading /> : <ErrorBox error={detail.error} onRetry={detail.reload} />}
      </Page>
    );

  const changed = (fresh: ShiftDetail, text?: string) => {
    detail.setData(fresh);
    setNotice(text ?? null);
    setError(null);
  };
  const act = async (name: string, action: () => Promise<ShiftDetail>, text: (fresh: ShiftDetail) => string) => {
    setBusy(name);
    setError(null);
    setNotice(null);
    try {
      const fresh = await action();
      changed(fresh, text(fresh));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  const mine = mineOf(shift);
  const team = teamOf(shift);
  const leads = !!team && !!me.value?.teams.some((x) => x.id === team.id && x.is_leader);
  const cancelled = shift.status === 'cancelled';
  const started = now >= new Date(shift.starts_at);
  const people = shift.signups.filter((s) => s.status !== 'dropped');
  const cutoff = rules.data?.drop_cutoff_hours;
  const lateDrop = cutoff !== undefined && now.getTime() > new Date(shift.starts_at).getTime() - cutoff * HOUR;
  const onIt = mine === 'active' || mine === 'drop_requested';

  return (
    <Page title={whenOf(shift, now)} back={back} testid="shift-page">
      <p class="lead">
        {shift.area.name} <span class="muted">· {forWhom(shift)}</span>
      </p>
      {cancelled && (
        <div class="alert alert-error" role="status" data-testid="shift-cancelled">
          {t('detail.cancelledBanner')}
        </div>
      )}
      <div class="big-fill" data-testid="shift-fill">
        <FillMeter shift={shift} />
        <ShiftBadges shift={shift} />
        {shift.waitlist_count > 0 && <Badge kind="muted">{t('shift.waitlist', { n: shift.waitlist_count })}</Badge>}
        {mine && <Badge kind="info" testid="shift-mine">{t(MINE_LABEL[mine])}</Badge>}
      </div>
      {shift.leader_place_held && !cancelled && <p class="muted small">{t('shift.leaderHeld')}</p>}
      {shift.note && (
        <p data-testid="shift-note">
          <strong>{t('detail.note')}：</strong>
          {shift.note}
        </p>
      )}
      {notice && <Notice testid="shift-notice">{notice}</Notice>}
      <ErrorBox error={error} testid="shift-error" />

      {!cancelled && (can.take_shifts || mine) && (
        <section class="card" aria-label={t(mine ? MINE_LABEL[mine] : 'open.signUp')} data-testid="my-part">
          {onIt && (
            <>
              <p class="item-title">{t(mine === 'drop_requested' ? 'detail.mineDropRequested' : 'detail.mineActive')}</p>
              <CheckInPanel shift={shift} now={now} />
            </>
          )}
          {mine === 'waitlisted' && (
            <>
              <p data-testid="waitlisted">{t('detail.mineWaitlisted', { n: shift.waitlist_count })}</p>
              <div class="btn-row">
                <ActionButton busy={busy === 'leave'} onClick={() => act('leave', () => leaveWaitlist(shift.id), () => '')} testid="leave-waitlist">
                  {t('detail.leaveWaitlist')}
                </ActionButton>
              </div>
            </>
          )}
          {mine === null && !started && (
            <SignUpButton
              shiftId={shift.id}
              full={shift.taken >= shift.places}
              block
              onDone={(fresh, waitlisted) => changed(fresh, t(waitlisted ? 'detail.joinedWaitlist' : 'detail.signedUp'))}
            />
          )}
          {mine === 'active' && !started && (
            <div class="my-actions">
              {shift.open_swap_offer_id ? (
                <Info testid="swap-offered">{t('detail.swapOffered')}</Info>
              ) : (
                <ActionButton
                  busy={busy === 'swap'}
                  onClick={async () => {
                    setBusy('swap');
                    setError(null);
                    try {
                      await offerSwap(shift.id);
                      changed(await getShift(shift.id), t('detail.swapOffered'));
                    } catch (e) {
                      setError(e);
                    } finally {
                      setBusy(null);
                    }
                  }}
                  testid="offer-swap"
                >
                  {t('detail.offerSwap')}
                </ActionButton>
              )}
              {cutoff !== undefined && (
                <p class="hint" data-testid="drop-hint">
                  {t(lateDrop ? 'detail.dropLateHint' : 'detail.dropEarlyHint', { n: cutoff })}
                </p>
              )}
              <ConfirmButton
                label={t(lateDrop ? 'detail.dropLate' : 'detail.drop')}
                confirmLabel={t('detail.dropConfirm')}
                busy={busy === 'drop'}
                onConfirm={() =>
                  act('drop', () => dropShift(shift.id), (fresh) => t(mineOf(fresh) === 'drop_requested' ? 'detail.dropRequestSent' : 'detail.dropped'))
                }
                testid="drop"
              />
            </div>
          )}
        </section>
      )}

      {areas.length > 0 && (
        <section aria-label={t('detail.where')}>
          <MapView areas={areas} testid="shift-map" />
        </section>
      )}

      <h2>{t('detail.who')}</h2>
      {people.length === 0 ? (
        <p class="muted">{t('detail.nobody')}</p>
      ) : (
        <ul class="people card" data-testid="shift-people">
          {people.map((signup) => (
            <Person key={signup.user.id} signup={signup} shift={shift} onChanged={changed} />
          ))}
        </ul>
      )}
      {(shift.can_manage || leads || can.read_audit) && (
        <a href={`/shifts/${shift.id}/attendance`} class="btn btn-secondary btn-block" data-testid="to-attendance">
          {t('detail.attendance')}
        </a>
      )}

      {shift.can_manage && !cancelled && (
        <section class="card" aria-labelledby="manage-h" data-testid="manage">
          <h2 id="manage-h">{t('manage.title')}</h2>
          {!started && <AssignMember shift={shift} onAssigned={(fresh) => changed(fresh)} />}
          <h3>{t('manage.cancel')}</h3>
          <p class="hint">{t('manage.cancelHint')}</p>
          <ConfirmButton
            label={t('manage.cancel')}
            confirmLabel={t('manage.cancelConfirm')}
            busy={busy === 'cancel'}
            onConfirm={() => act('cancel', () => cancelShift(shift.id), () => t('manage.cancelled'))}
            testid="cancel-shift"
          />
        </section>
      )}
    </Page>
  );
}
