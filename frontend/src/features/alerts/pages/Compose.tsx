import '../alerts.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { allPages } from '../../../api/client';
import { ApiError } from '../../../api/errors';
import { fmtTime } from '../../../i18n';
import { t as tc } from '../../../i18n/common';
import { errorText } from '../../../i18n/errors/text';
import { parseGeometry } from '../../../map/geometry';
import type { PickedPoint } from '../../../map/PointPicker';
import { PointRadiusPicker } from '../../../map/PointPicker';
import { uuid4 } from '../../../outbox/uuid';
import { SubmitButton } from '../../../ui/buttons';
import { useQuery } from '../../../ui/data';
import { ErrorBox } from '../../../ui/feedback';
import { Field, SelectField, TextArea, Toggle } from '../../../ui/fields';
import { problem, useForm } from '../../../ui/form';
import { Loading, NeedsConnection, Page } from '../../../ui/Page';
import { allUnits, listAreas } from '../../admin/api';
import { allTeams } from '../../teams/api';
import { PhotoError, shrinkPhoto } from '../../../lib/photo';
import { capabilities } from '../../session/state';
import { preview, queueAlertPhoto, sendAlert, type Category, type Severity } from '../api';
import { AudiencePicker, audienceOf, type AudienceChoices, type AudienceDraft } from '../components/AudiencePicker';
import { t } from '../i18n';
import { CATEGORY_LABEL, SEVERITY_HINT, SEVERITY_LABEL } from '../labels';

const SEVERITIES: Severity[] = ['info', 'warning', 'urgent'];
const CATEGORIES = Object.keys(CATEGORY_LABEL) as (keyof typeof CATEGORY_LABEL)[];
/** How long an alert holds, in hours (the server allows up to a week). */
const DURATIONS = [1, 2, 4, 8, 12, 24, 72, 168];
const UNIT_ORDER = ['district', 'street', 'community'];

const durationLabel = (hours: number) => (hours < 24 ? t('compose.hours', { n: hours }) : t('compose.days', { n: hours / 24 }));

async function loadChoices(): Promise<AudienceChoices> {
  const [units, teams, areas] = await Promise.all([
    allUnits(),
    allTeams(),
    allPages((page) => listAreas({ sort: 'name', page, page_size: 100 })),
  ]);
  return { units: [...units].sort((a, b) => UNIT_ORDER.indexOf(a.kind) - UNIT_ORDER.indexOf(b.kind)), teams, areas };
}

type PreviewState = { state: 'pick' } | { state: 'counting' } | { state: 'ready'; recipients: number; withPush: number } | { state: 'refused'; error: unknown };

/** "Will reach N people, M by push", asked again (after a pause) whenever the audience or severity changes. */
function usePreview(draft: AudienceDraft, severity: Severity): PreviewState {
  const audience = audienceOf(draft);
  const key = JSON.stringify([audience, severity]);
  const [result, setResult] = useState<PreviewState>({ state: 'pick' });
  useEffect(() => {
    if (!audience) {
      setResult({ state: 'pick' });
      return;
    }
    let live = true;
    setResult({ state: 'counting' });
    const timer = setTimeout(() => {
      preview({ audience, severity }).then(
        (answer) => live && setResult({ state: 'ready', recipients: answer.recipients, withPush: answer.with_push }),
        (error: unknown) => live && setResult({ state: 'refused', error }),
      );
    }, 350);
    return () => {
      live = false;
      clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` is the audience and severity
  }, [key]);
  return result;
}

function PreviewBox({ result, toTeams }: { result: PreviewState; toTeams?: () => void }) {
  if (result.state === 'pick' || result.state === 'counting')
    return (
      <div class="preview" role="status" data-testid="preview" data-state={result.state}>
        <p class="muted">{result.state === 'pick' ? t('preview.pick') : t('preview.counting')}</p>
      </div>
    );
  // The severity's refusal is said next to the severity; here only what to do.
  if (result.state === 'refused' && result.error instanceof ApiError && result.error.error === 'alert_severity_forbidden')
    return (
      <div class="preview" role="status" data-testid="preview" data-state="severity">
        <p class="muted">{t('preview.fixSeverity')}</p>
      </div>
    );
  if (result.state === 'refused')
    return (
      <div class="preview preview-problem" role="alert" data-testid="preview" data-state="refused">
        <p>{errorText(result.error)}</p>
        {toTeams && result.error instanceof ApiError && result.error.error === 'alert_audience_forbidden' && (
          <button type="button" class="btn btn-secondary btn-small" onClick={toTeams} data-testid="preview-to-teams">
            {t('preview.toTeams')}
          </button>
        )}
      </div>
    );
  return (
    <div class={'preview' + (result.recipients ? '' : ' preview-problem')} role="status" data-testid="preview" data-state="ready">
      {result.recipients ? (
        <>
          <p class="preview-count" data-testid="preview-count">
            {t('preview.reach', { n: result.recipients })}
          </p>
          <p data-testid="preview-push">{t('preview.push', { n: result.withPush })}</p>
        </>
      ) : (
        <p>{t('preview.empty')}</p>
      )}
    </div>
  );
}

type Place = 'none' | 'point' | 'area';

type Values = {
  severity: Severity;
  title: string;
  body: string;
  category: Category;
  hours: string;
  place: Place;
  area_id: string;
  point: { point: PickedPoint | null; radius: number };
  audience: AudienceDraft;
  is_test: boolean;
};

/** Where an error the server names belongs on this form. */
const ON_FIELD = {
  alert_severity_forbidden: 'severity',
  alert_audience_forbidden: 'audience',
  alert_audience_empty: 'audience',
  not_found: 'audience',
} as const;

/** Compose and send an alert (capability send_alert): severity, words, expiry, an optional place, who, and how many that reaches. */
export default function Compose() {
  const { route } = useLocation();
  const choices = useQuery(loadChoices, []);
  const [confirming, setConfirming] = useState(false);
  const confirmed = useRef(false);
  const [photo, setPhoto] = useState<{ blob: Blob; url: string } | null>(null);
  const [photoProblem, setPhotoProblem] = useState<string | null>(null);
  useEffect(() => () => photo && URL.revokeObjectURL(photo.url), [photo]);
  const pickPhoto = async (file: File | undefined) => {
    if (!file) return;
    setPhotoProblem(null);
    try {
      const blob = await shrinkPhoto(file);
      setPhoto({ blob, url: URL.createObjectURL(blob) });
    } catch (e) {
      setPhotoProblem(t(e instanceof PhotoError && e.reason === 'heic' ? 'compose.photoHeic' : 'compose.photoUnreadable'));
    }
  };
  // "Urgent" wakes every phone it reaches: offered only to those the server lets send it.
  const severities = SEVERITIES.filter((severity) => severity !== 'urgent' || capabilities.value.send_urgent_alert);
  // One key per alert the sender means to send: a retry of the same alert reuses it (and its expiry).
  const attempt = useRef<{ fingerprint: string; key: string; expiresAt: string } | null>(null);

  const form = useForm<Values>({
    initial: {
      severity: 'warning',
      title: '',
      body: '',
      category: 'Security',
      hours: '2',
      place: 'none',
      area_id: '',
      point: { point: null, radius: 300 },
      audience: { kind: 'unit', unitId: '', teamIds: [], roles: [], areaId: '' },
      is_test: false,
    },
    summary: t('compose.summary'),
    validate: (v) => ({
      title: v.title.trim() ? undefined : problem('required'),
      body: v.body.trim() ? undefined : problem('required'),
      audience: audienceOf(v.audience) ? undefined : problem('required'),
      point: v.place === 'point' && !v.point.point ? problem('required') : undefined,
      area_id: v.place === 'area' && !v.area_id ? problem('required') : undefined,
    }),
    submit: async (v) => {
      if (!confirmed.current) {
        setConfirming(true);
        return;
      }
      confirmed.current = false;
      const audience = audienceOf(v.audience)!;
      const picked = v.point.point;
      const place =
        v.place === 'point' && picked
          ? { lon: picked.position[0], lat: picked.position[1], radius_m: Math.round(v.point.radius) }
          : v.place === 'area'
            ? { area_id: Number(v.area_id) }
            : {};
      const content = { severity: v.severity, category: v.category, title: v.title.trim(), body: v.body.trim(), audience, is_test: v.is_test, ...place };
      const fingerprint = JSON.stringify([content, v.hours]);
      if (attempt.current?.fingerprint !== fingerprint)
        attempt.current = { fingerprint, key: uuid4(), expiresAt: new Date(Date.now() + Number(v.hours) * 3600_000).toISOString() };
      try {
        const alert = await sendAlert({ ...content, expires_at: attempt.current.expiresAt }, attempt.current.key);
        // The alert is out; its photo follows through the outbox (sent again until it arrives).
        if (photo) await queueAlertPhoto(alert, photo.blob).catch(() => undefined);
        route(`/alerts/${alert.id}/answers`);
      } finally {
        setConfirming(false);
      }
    },
    onField: ON_FIELD,
  });
  const v = form.values;
  const reach = usePreview(v.audience, v.severity);

  // The highest unit in scope is where most alerts go: choose it once the list is in.
  const top = choices.data?.units[0];
  useEffect(() => {
    if (top && !form.values.audience.unitId) form.set('audience', { ...form.values.audience, unitId: String(top.id) });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when the choices arrive
  }, [top?.id]);
  // The server's refusal of the severity or the audience, from the preview, shown where it belongs.
  const refusal = reach.state === 'refused' && reach.error instanceof ApiError ? reach.error.error : null;
  const severityError = form.errors.fields.severity ?? (refusal === 'alert_severity_forbidden' ? errorText((reach as { error: unknown }).error) : undefined);
  const recipients = reach.state === 'ready' ? reach.recipients : null;

  if (!choices.data)
    return (
      <Page title={t('compose.title')} back="/" testid="compose-page">
        {choices.needsConnection ? <NeedsConnection /> : choices.loading ? <Loading /> : <ErrorBox error={choices.error} onRetry={choices.reload} />}
      </Page>
    );

  const areaShapes = choices.data.areas.flatMap((area) => {
    const geometry = parseGeometry(area.geometry).geometry;
    return geometry ? [{ geometry }] : [];
  });
  const until = fmtTime(new Date(Date.now() + Number(v.hours) * 3600_000).toISOString());
  return (
    <Page title={t('compose.title')} back="/alerts/sent" testid="compose-page">
      <form class="form" onSubmit={form.onSubmit} noValidate>
        <ErrorBox error={form.errors.general} />
        <fieldset class="card" data-testid="compose-severity">
          <legend>{t('compose.severity')}</legend>
          <div class="severity-choice">
            {severities.map((severity) => (
              <button
                key={severity}
                type="button"
                class={`severity-option severity-pick-${severity}`}
                aria-pressed={v.severity === severity}
                onClick={() => form.set('severity', severity)}
                data-testid={`severity-${severity}`}
              >
                <strong>{t(SEVERITY_LABEL[severity])}</strong>
                <span class="muted small">{t(SEVERITY_HINT[severity])}</span>
              </button>
            ))}
          </div>
          {severityError && (
            <p class="field-error" data-testid="severity-error">
              {severityError}
            </p>
          )}
        </fieldset>

        <div class="card">
          <Field label={t('compose.headline')} hint={t('compose.headlineHint')} maxLength={80} {...form.text('title')} testid="compose-title" />
          <TextArea prose label={t('compose.body')} hint={t('compose.bodyHint')} rows={5} {...form.text('body')} testid="compose-body" />
          <SelectField
            label={t('compose.category')}
            value={v.category}
            onValue={(value) => form.set('category', CATEGORIES.find((c) => c === value) ?? 'Security')}
            options={CATEGORIES.map((category) => ({ value: category, label: t(CATEGORY_LABEL[category]) }))}
            testid="compose-category"
          />
          <SelectField
            label={t('compose.expires')}
            hint={t('compose.until', { time: until })}
            value={v.hours}
            onValue={(value) => form.set('hours', value)}
            options={DURATIONS.map((hours) => ({ value: String(hours), label: durationLabel(hours) }))}
            error={form.errors.fields.expires_at}
            testid="compose-expires"
          />
        </div>

        <div class="card" data-testid="compose-photo">
          <h2>{t('compose.photo')}</h2>
          <p class="hint">{t('compose.photoHint')}</p>
          {photo && <img class="photo-preview" src={photo.url} alt={t('compose.photo')} data-testid="compose-photo-preview" />}
          {photoProblem && (
            <p class="field-error" role="alert" data-testid="compose-photo-error">
              {photoProblem}
            </p>
          )}
          <div class="btn-row">
            <label class="btn btn-secondary">
              <input
                type="file"
                accept="image/*"
                class="sr-only"
                onChange={(e) => void pickPhoto(e.currentTarget.files?.[0])}
                data-testid="compose-photo-input"
              />
              {photo ? t('compose.photoOther') : t('compose.photoPick')}
            </label>
            {photo && (
              <button type="button" class="btn btn-danger-outline" onClick={() => setPhoto(null)}>
                {t('compose.photoRemove')}
              </button>
            )}
          </div>
        </div>

        <div class="card">
          <h2>{t('compose.place')}</h2>
          <div class="chips" role="group" aria-label={t('compose.place')}>
            {(['none', 'point', 'area'] as const).map((place) => (
              <button
                key={place}
                type="button"
                class="chip"
                aria-pressed={v.place === place}
                onClick={() => form.set('place', place)}
                data-testid={`place-${place}`}
              >
                {t(place === 'none' ? 'compose.placeNone' : place === 'point' ? 'compose.placePoint' : 'compose.placeArea')}
              </button>
            ))}
          </div>
          {v.place === 'point' && (
            <>
              <PointRadiusPicker
                value={v.point}
                onChange={(point) => form.set('point', point)}
                min={10}
                max={50000}
                context={areaShapes}
                testid="compose-point"
              />
              {form.errors.fields.point && <p class="field-error">{form.errors.fields.point}</p>}
            </>
          )}
          {v.place === 'area' && (
            <SelectField
              label={t('compose.area')}
              value={v.area_id}
              onValue={(value) => form.set('area_id', value)}
              placeholder={t('compose.pickArea')}
              options={choices.data.areas.map((area) => ({ value: String(area.id), label: area.name }))}
              error={form.errors.fields.area_id}
              testid="compose-area"
            />
          )}
        </div>

        <AudiencePicker value={v.audience} onChange={(audience) => form.set('audience', audience)} choices={choices.data} error={form.errors.fields.audience} />
        <PreviewBox result={reach} toTeams={v.audience.kind === 'teams' ? undefined : () => form.set('audience', { ...v.audience, kind: 'teams' })} />

        <Toggle label={t('compose.isTest')} checked={v.is_test} onChange={(on) => form.set('is_test', on)} testid="compose-test" />

        {confirming ? (
          <div class="confirm-box" role="alert" data-testid="compose-confirm" ref={(box) => box?.scrollIntoView({ block: 'center' })}>
            <p>{t('compose.confirm', { n: recipients ?? 0, severity: t(SEVERITY_LABEL[v.severity]) })}</p>
            <div class="btn-col">
              <button
                type="button"
                class="btn btn-danger btn-block"
                disabled={form.busy}
                onClick={() => {
                  confirmed.current = true;
                  void form.onSubmit();
                }}
                data-testid="compose-confirm-send"
              >
                {form.busy ? t('compose.sending') : t('compose.confirmButton')}
              </button>
              <button type="button" class="btn btn-secondary btn-block" onClick={() => setConfirming(false)}>
                {tc('common.cancel')}
              </button>
            </div>
          </div>
        ) : (
          <SubmitButton
            label={recipients ? t('compose.sendTo', { n: recipients }) : t('compose.send')}
            busy={form.busy}
            disabled={reach.state === 'refused' || recipients === 0}
            testid="compose-send"
          />
        )}
      </form>
    </Page>
  );
}
