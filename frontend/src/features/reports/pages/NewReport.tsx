import '../reports.css';
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { offline } from '../../../api/connectivity';
import { ApiError } from '../../../api/errors';
import { fmtTime } from '../../../i18n';
import { storage } from '../../../lib/storage';
import { PointPicker, type PickedPoint } from '../../../map/PointPicker';
import { getPosition, type Fix } from '../../../map/position';
import { useQuery } from '../../../ui/data';
import { ErrorBox, Info } from '../../../ui/feedback';
import { Field, TextArea } from '../../../ui/fields';
import { problem, useForm } from '../../../ui/form';
import { Loading, Page } from '../../../ui/Page';
import { USER_KEY_PREFIX } from '../../session/userData';
import { follow, listCategories, nearby, queuePhotos, queueReport, type Category, type Nearby, type Severity } from '../api';
import { PhotoPicker, usePhotoPicker } from '../components/PhotoPicker';
import { StatusBadge } from '../components/parts';
import { t } from '../i18n';
import { SEVERITY_HINT, SEVERITY_LABEL } from '../labels';

const CATEGORIES_KEY = USER_KEY_PREFIX + 'report-categories';

/** The district's categories; the phone's last copy when there is no signal (reporting works offline). */
async function loadCategories(): Promise<{ list: Category[]; cached: boolean }> {
  try {
    const list = await listCategories();
    storage.set(CATEGORIES_KEY, JSON.stringify(list));
    return { list, cached: false };
  } catch (e) {
    const copy: unknown = JSON.parse(storage.get(CATEGORIES_KEY) ?? 'null');
    if (e instanceof ApiError && e.network && Array.isArray(copy)) return { list: copy as Category[], cached: true };
    throw e;
  }
}

type Located = { state: 'locating' } | { state: 'fixed'; fix: Fix } | { state: 'failed' };

/** Other open cases of this category close by, asked for again when the category or the place changes. */
function useNearby(categoryId: string, at: { lon: number; lat: number } | null): Nearby[] {
  const [found, setFound] = useState<Nearby[]>([]);
  const key = at && categoryId ? `${categoryId}:${at.lon.toFixed(4)}:${at.lat.toFixed(4)}` : '';
  const isOffline = offline.value;
  useEffect(() => {
    setFound([]);
    if (!key || !at || isOffline) return;
    let live = true;
    nearby(Number(categoryId), at.lon, at.lat).then(
      (list) => live && setFound(list),
      () => undefined, // only a hint: nothing shown when it can't be asked
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` is the category and the rounded place
  }, [key, isOffline]);
  return found;
}

type Values = { category: string; severity: Severity; description: string; address: string };

/**
 * Report a hazard (capability report_hazard): photos first, a category, and send. The position
 * fills itself (adjustable on the map); severity, words and address are optional. It goes
 * through the outbox, so it works without signal and is sent exactly once.
 */
export default function NewReport() {
  const { route } = useLocation();
  const categories = useQuery(loadCategories, []);
  const picker = usePhotoPicker();
  const [located, setLocated] = useState<Located>({ state: 'locating' });
  const [picked, setPicked] = useState<PickedPoint | null>(null);
  const [showMap, setShowMap] = useState(false);
  const [followError, setFollowError] = useState<unknown>(null);
  const [positionMissing, setPositionMissing] = useState(false);

  useEffect(() => {
    let live = true;
    void getPosition({ timeout: 15000, maximumAge: 60000 }).then((result) => {
      if (!live) return;
      setLocated(result.fix ? { state: 'fixed', fix: result.fix } : { state: 'failed' });
      if (!result.fix) setShowMap(true);
    });
    return () => {
      live = false;
    };
  }, []);

  const fix = located.state === 'fixed' ? located.fix : null;
  const position: Fix | null = picked
    ? { lon: picked.position[0], lat: picked.position[1], accuracy_m: picked.accuracy ?? 10, fixed_at: new Date().toISOString() }
    : fix;

  const form = useForm<Values>({
    initial: { category: '', severity: 'medium', description: '', address: '' },
    summary: t('new.summary'),
    validate: (v) => ({ category: v.category ? undefined : problem('required') }),
    submit: async (v) => {
      if (!position) {
        setShowMap(true);
        setPositionMissing(true);
        return;
      }
      const category = categories.data?.list.find((c) => String(c.id) === v.category);
      const label = { category: category?.name ?? '', description: v.description.trim().slice(0, 60) };
      await queueReport(
        {
          category_id: Number(v.category),
          severity: v.severity,
          description: v.description.trim(),
          address: v.address.trim() || null,
          position: { lon: position.lon, lat: position.lat, accuracy_m: position.accuracy_m, fixed_at: position.fixed_at },
        },
        picker.ready,
        label,
      );
      route('/reports/mine?sent=1');
    },
  });
  const v = form.values;
  const found = useNearby(v.category, position);

  /** "Same place": follow that case and send my photos to it instead of a new report. */
  const addToCase = async (caseId: number) => {
    setFollowError(null);
    if (!picker.ready.length) {
      setFollowError(t('nearby.needsPhoto'));
      return;
    }
    try {
      await follow(caseId);
      const category = categories.data?.list.find((c) => String(c.id) === v.category);
      await queuePhotos(caseId, picker.ready, { category: category?.name ?? '', description: '' });
      route(`/reports/${caseId}?followed=1`);
    } catch (e) {
      setFollowError(e);
    }
  };

  if (!categories.data)
    return (
      <Page title={t('new.title')} back="/" testid="report-new-page">
        {categories.loading ? (
          <Loading />
        ) : categories.error instanceof ApiError && categories.error.network ? (
          <Info testid="categories-offline">{t('new.categoriesOffline')}</Info>
        ) : (
          <ErrorBox error={categories.error} onRetry={categories.reload} />
        )}
      </Page>
    );
  const list = categories.data.list;
  const positionError = positionMissing && !position;

  return (
    <Page title={t('new.title')} back="/" testid="report-new-page">
      <form class="form" onSubmit={form.onSubmit} noValidate>
        <ErrorBox error={form.errors.general} />
        <section class="card">
          <h2>{t('new.photos')}</h2>
          <p class="hint">{t('new.photosHint')}</p>
          <PhotoPicker picker={picker} testid="report-photos" />
        </section>

        <fieldset class="card picks-card" data-testid="report-category">
          <legend>{t('new.category')}</legend>
          {list.length === 0 && <p class="muted">{t('new.noCategories')}</p>}
          <div class="picks">
            {list.map((category) => (
              <button
                key={category.id}
                type="button"
                class="pick"
                aria-pressed={v.category === String(category.id)}
                onClick={() => form.set('category', String(category.id))}
                data-testid={`category-${category.code}`}
              >
                {category.name}
              </button>
            ))}
          </div>
          {form.errors.fields.category && (
            <p class="field-error" data-testid="category-error">
              {form.errors.fields.category}
            </p>
          )}
        </fieldset>

        {found.length > 0 && (
          <section class="card nearby" data-testid="nearby">
            <h2>{t('nearby.title')}</h2>
            <p class="hint">{t('nearby.intro')}</p>
            <ul class="list">
              {found.map((other) => (
                <li key={other.id} class="list-item list-item-col" data-testid={`nearby-${other.id}`}>
                  <p class="item-title">
                    {other.category.name} <StatusBadge status={other.status} />
                  </p>
                  <p class="muted small">
                    {t('nearby.distance', { m: other.distance_m })} · {fmtTime(other.created_at)}
                    {other.is_mine ? ` · ${t('nearby.mine')}` : other.is_following ? ` · ${t('nearby.following')}` : ''}
                  </p>
                  {!other.is_mine && !other.is_following && (
                    <button type="button" class="btn btn-secondary" onClick={() => void addToCase(other.id)} data-testid={`nearby-add-${other.id}`}>
                      {t('nearby.addPhoto')}
                    </button>
                  )}
                </li>
              ))}
            </ul>
            <ErrorBox error={followError} testid="nearby-error" />
          </section>
        )}

        <fieldset class="card" data-testid="report-severity">
          <legend>{t('new.severity')}</legend>
          <div class="severity-picks">
            {(['low', 'medium', 'high'] as const).map((severity) => (
              <button
                key={severity}
                type="button"
                class={`pick pick-sev sev-pick-${severity}`}
                aria-pressed={v.severity === severity}
                onClick={() => form.set('severity', severity)}
                data-testid={`severity-${severity}`}
              >
                <strong>{t(SEVERITY_LABEL[severity])}</strong>
                <span class="small">{t(SEVERITY_HINT[severity])}</span>
              </button>
            ))}
          </div>
        </fieldset>

        <section class="card position-card" data-testid="report-position">
          <h2>{t('new.position')}</h2>
          <p class={positionError ? 'field-error' : 'muted'} role="status" data-testid="report-position-state" data-state={picked ? 'picked' : located.state}>
            {picked
              ? t('new.picked')
              : located.state === 'locating'
                ? t('new.locating')
                : located.state === 'fixed'
                  ? t('new.located', { m: Math.round(located.fix.accuracy_m) })
                  : t('new.noFix')}
          </p>
          <button type="button" class="btn btn-secondary" onClick={() => setShowMap(!showMap)} aria-expanded={showMap} data-testid="report-adjust">
            {showMap ? t('new.hideMap') : t('new.adjust')}
          </button>
          {showMap && (
            <PointPicker
              value={picked ?? (fix ? { position: [fix.lon, fix.lat], accuracy: fix.accuracy_m } : null)}
              onChange={setPicked}
              testid="report-point"
            />
          )}
          <Field label={t('new.address')} hint={t('new.addressHint')} maxLength={200} {...form.text('address')} testid="report-address" />
        </section>

        <div class="card">
          <TextArea prose label={t('new.description')} hint={t('new.descriptionHint')} rows={3} {...form.text('description')} testid="report-description" />
        </div>

        <div class="submit-row">
          <button type="submit" class="btn btn-primary btn-block btn-send" disabled={form.busy || picker.busy} data-testid="report-send">
            {form.busy && <span class="spinner spinner-light" aria-hidden="true" />}
            {form.busy ? t('new.sending') : offline.value ? t('new.sendOffline') : t('new.send')}
          </button>
          {offline.value && <p class="needs-net">{t('new.offlineHint')}</p>}
        </div>
      </form>
    </Page>
  );
}
