import '../attendance.css';
import { useState } from 'preact/hooks';
import type { Schemas } from '../../../api/types';
import { ActionButton, SubmitButton } from '../../../ui/buttons';
import { useQuery } from '../../../ui/data';
import { Badge, ErrorBox, Info, Notice } from '../../../ui/feedback';
import { Field, Toggle } from '../../../ui/fields';
import { problem, useForm } from '../../../ui/form';
import { Loading, NeedsConnection, Page } from '../../../ui/Page';
import { me } from '../../session/state';
import { getShift, type ShiftDetail } from '../../shifts/api';
import { forWhom, teamOf, whenOf } from '../../shifts/components/bits';
import { wallTime, zonedToUtc } from '../../shifts/time';
import { clock } from '../../shifts/when';
import { actOnAttendance, shiftAttendance, type Attendance } from '../api';
import { CreditedTime, PositionBadge, PunctualityBadge, flagText } from '../components/labels';
import { t as tc } from '../../../i18n/common';
import { t as ts } from '../../shifts/i18n';
import { t } from '../i18n';

type Person = Schemas['Person'];

/** An instant as the value of a datetime-local field, on the units' clocks ("2026-11-30T19:02"). */
const toField = (iso: string | null) => (iso ? `${wallTime(iso).day}T${wallTime(iso).time}` : '');
const fromField = (value: string) => zonedToUtc(value.slice(0, 10), value.slice(11, 16)).toISOString();
const isFieldValue = (value: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value);

function Correction(props: { shift: ShiftDetail; person: Person; record?: Attendance; onDone: (record: Attendance) => void; onCancel: () => void }) {
  const { record } = props;
  const form = useForm({
    initial: { checked_in_at: toField(record?.checked_in_at ?? null), checked_out_at: toField(record?.checked_out_at ?? null), no_show: record?.no_show ?? false, reason: '' },
    validate: (v) => ({
      reason: v.reason.trim().length >= 2 ? undefined : problem(v.reason.trim() ? 'too_short' : 'required', { min: 2 }),
      checked_in_at: v.no_show || !v.checked_in_at || isFieldValue(v.checked_in_at) ? undefined : problem('not_a_datetime'),
      checked_out_at: v.no_show || !v.checked_out_at || isFieldValue(v.checked_out_at) ? undefined : problem('not_a_datetime'),
    }),
    submit: async (v) => {
      const action: Schemas['AttendanceAction'] = { action: 'correct', reason: v.reason.trim() };
      if (v.no_show) action.no_show = true;
      else {
        if (v.checked_in_at) action.checked_in_at = fromField(v.checked_in_at);
        if (v.checked_out_at) action.checked_out_at = fromField(v.checked_out_at);
        if (!v.checked_in_at && !v.checked_out_at) action.no_show = false;
      }
      props.onDone(await actOnAttendance(props.shift.id, props.person.id, action));
    },
  });
  const id = props.person.id;
  return (
    <form class="correct-box" onSubmit={form.onSubmit} noValidate data-testid={`correct-form-${id}`}>
      <p class="item-title">{t('att.correctTitle', { name: props.person.display_name })}</p>
      <ErrorBox error={form.errors.general} />
      <Toggle label={t('att.markNoShow')} checked={form.values.no_show} onChange={(on) => form.set('no_show', on)} testid={`correct-noshow-${id}`} />
      {!form.values.no_show && (
        <>
          <Field label={t('att.checkedInAt')} type="datetime-local" {...form.text('checked_in_at')} testid={`correct-in-${id}`} />
          <Field label={t('att.checkedOutAt')} type="datetime-local" {...form.text('checked_out_at')} testid={`correct-out-${id}`} />
        </>
      )}
      <Field label={t('att.reason')} maxLength={200} {...form.text('reason')} testid={`correct-reason-${id}`} />
      <div class="btn-row">
        <SubmitButton label={t('att.save')} busy={form.busy} class="btn btn-primary" testid={`correct-save-${id}`} />
        <button type="button" class="btn btn-secondary" onClick={props.onCancel}>
          {tc('common.cancel')}
        </button>
      </div>
    </form>
  );
}

function Row(props: { shift: ShiftDetail; person: Person; record?: Attendance; leader: boolean; canProxy: boolean; canCorrect: boolean; onRecord: (record: Attendance) => void }) {
  const { shift, person, record } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [correcting, setCorrecting] = useState(false);
  const proxy = async (action: 'check_in' | 'check_out') => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      props.onRecord(await actOnAttendance(shift.id, person.id, { action }));
      setNotice(t('att.done', { name: person.display_name }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const inAt = record?.checked_in_at;
  const outAt = record?.checked_out_at;
  const proxyBy = record?.proxy_by && 'display_name' in record.proxy_by ? record.proxy_by.display_name : null;
  return (
    <li class="list-item list-item-col att-row" data-testid={`att-${person.id}`}>
      <div class="row-between">
        <p class="item-title">
          {person.display_name} {props.leader && <Badge kind="ok">{ts('detail.leader')}</Badge>}
        </p>
        {record && (inAt || record.no_show) && record.credited_minutes > 0 && <span class="nowrap">{CreditedTime(record.credited_minutes)}</span>}
      </div>
      <p class="att-times" data-testid={`att-status-${person.id}`}>
        {record?.no_show ? (
          <Badge kind="bad">{t('att.noShow')}</Badge>
        ) : inAt ? (
          <>
            {t('att.in', { time: clock(inAt) })}
            {outAt && <> · {t('att.out', { time: clock(outAt) })}</>}
          </>
        ) : (
          <span class="muted">{t('att.notYet')}</span>
        )}
      </p>
      {record && (
        <p class="badges">
          {record.check_in_position && inAt && <PositionBadge position={record.check_in_position} distance={record.check_in_distance_m} />}
          {record.punctuality && <PunctualityBadge punctuality={record.punctuality} />}
          {record.flags
            .filter((flag) => flag !== 'check_in_outside' && flag !== 'check_in_no_fix')
            .map((flag) => (
              <Badge key={flag} kind="warn">
                {flagText(flag)}
              </Badge>
            ))}
        </p>
      )}
      {proxyBy && <p class="muted small">{t('att.proxyBy', { name: proxyBy })}</p>}
      {record?.correction_reason && <p class="muted small">{t('att.reasonShown', { reason: record.correction_reason })}</p>}
      {notice && <Notice>{notice}</Notice>}
      <ErrorBox error={error} />
      <div class="btn-row">
        {props.canProxy && !inAt && !record?.no_show && (
          <ActionButton busy={busy} onClick={() => proxy('check_in')} testid={`proxy-in-${person.id}`}>
            {t('att.proxyIn')}
          </ActionButton>
        )}
        {props.canProxy && inAt && !outAt && (
          <ActionButton busy={busy} onClick={() => proxy('check_out')} testid={`proxy-out-${person.id}`}>
            {t('att.proxyOut')}
          </ActionButton>
        )}
        {props.canCorrect && !correcting && (
          <button type="button" class="btn btn-secondary" onClick={() => setCorrecting(true)} data-testid={`correct-${person.id}`}>
            {t('att.correct')}
          </button>
        )}
      </div>
      {correcting && (
        <Correction
          shift={shift}
          person={person}
          record={record}
          onCancel={() => setCorrecting(false)}
          onDone={(fresh) => {
            props.onRecord(fresh);
            setCorrecting(false);
            setNotice(t('att.saved', { name: person.display_name }));
          }}
        />
      )}
    </li>
  );
}

/** Who came to a shift, with what to look at; leaders check in members without a phone, coordinators correct. */
export default function ShiftAttendance({ id }: { id: string }) {
  const shiftId = Number(id);
  const shift = useQuery(() => getShift(shiftId), [shiftId]);
  const records = useQuery(() => shiftAttendance(shiftId), [shiftId]);
  const title = t('att.title');
  const back = `/shifts/${shiftId}`;
  if (!shift.data || !records.data) {
    const failed = shift.error ?? records.error;
    return (
      <Page title={title} back={back} testid="attendance-page">
        {shift.needsConnection || records.needsConnection ? (
          <NeedsConnection />
        ) : shift.loading || records.loading ? (
          <Loading />
        ) : (
          <ErrorBox error={failed} onRetry={() => (shift.reload(), records.reload())} />
        )}
      </Page>
    );
  }
  const detail = shift.data;
  const list = records.data;
  const team = teamOf(detail);
  const leads = !!team && !!me.value?.teams.some((x) => x.id === team.id && x.is_leader);
  const byUser = new Map(list.map((r) => [r.user.id, r]));
  const people: { person: Person; leader: boolean }[] = detail.signups.filter((s) => s.status !== 'dropped').map((s) => ({ person: s.user, leader: s.is_leader }));
  for (const record of list) if (!people.some((p) => p.person.id === record.user.id)) people.push({ person: record.user, leader: false });
  const checkedIn = list.filter((r) => r.checked_in_at).length;
  const checkedOut = list.filter((r) => r.checked_out_at).length;
  const replace = (record: Attendance) => records.setData([...list.filter((r) => r.user.id !== record.user.id), record]);
  return (
    <Page title={title} back={back} testid="attendance-page">
      <p class="lead">
        <a href={back}>{whenOf(detail)}</a>
      </p>
      <p class="muted">
        {detail.area.name} · {forWhom(detail)}
      </p>
      <p class="item-title" data-testid="att-summary">
        {t('att.summary', { in: checkedIn, out: checkedOut, missing: people.length - checkedIn })}
      </p>
      {(leads || detail.can_manage) && <Info>{t('att.proxyHint')}</Info>}
      {people.length === 0 ? (
        <p class="empty">{t('att.empty')}</p>
      ) : (
        <ul class="list" data-testid="att-list">
          {people.map(({ person, leader }) => (
            <Row
              key={person.id}
              shift={detail}
              person={person}
              record={byUser.get(person.id)}
              leader={leader}
              canProxy={leads || detail.can_manage}
              canCorrect={detail.can_manage}
              onRecord={replace}
            />
          ))}
        </ul>
      )}
    </Page>
  );
}
