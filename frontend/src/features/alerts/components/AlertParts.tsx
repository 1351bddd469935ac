import '../alerts.css';
import type { ComponentChildren } from 'preact';
import { fmtTime } from '../../../i18n';
import { MapView, type MapArea } from '../../../map/MapView';
import { parseGeometry } from '../../../map/geometry';
import type { Alert, Severity } from '../api';
import { t } from '../i18n';
import { CATEGORY_LABEL, SEVERITY_LABEL } from '../labels';

const SEVERITY_ICON = {
  // a triangle with "!" for urgent and warning, an "i" in a circle for a notice
  urgent: 'M1 21h22L12 2zm12-3h-2v-2h2zm0-4h-2v-4h2z',
  warning: 'M1 21h22L12 2zm12-3h-2v-2h2zm0-4h-2v-4h2z',
  info: 'M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm1 15h-2v-6h2zm0-8h-2V7h2z',
} as const satisfies Record<Severity, string>;

/** The coloured band on top of an alert: how urgent, what about, and whether it is a drill. */
export function SeverityBanner(props: { alert: Pick<Alert, 'severity' | 'category' | 'is_test'>; children?: ComponentChildren }) {
  const { severity, category, is_test } = props.alert;
  return (
    <div class={`severity severity-${severity}`} data-testid="severity-banner" data-severity={severity}>
      <svg viewBox="0 0 24 24" width="30" height="30" aria-hidden="true">
        <path fill="currentColor" d={SEVERITY_ICON[severity]} />
      </svg>
      <span class="severity-label">{t(SEVERITY_LABEL[severity])}</span>
      <span class="severity-category">{t(CATEGORY_LABEL[category])}</span>
      {is_test && <span class="severity-test">{t('detail.test')}</span>}
      {props.children}
    </div>
  );
}

/** A small severity label for lists. */
export function SeverityBadge({ severity }: { severity: Severity }) {
  return <span class={`badge sev-badge sev-${severity}`}>{t(SEVERITY_LABEL[severity])}</span>;
}

/** Whether an alert still takes answers, and if not, why. */
export type AlertState = 'open' | 'cancelled' | 'expired';
export function alertState(alert: Pick<Alert, 'status' | 'is_open'>): AlertState {
  return alert.status === 'cancelled' ? 'cancelled' : alert.is_open ? 'open' : 'expired';
}

/** A cancelled or expired alert says so, plainly, before anything else. */
export function ClosedNotice({ alert }: { alert: Pick<Alert, 'status' | 'is_open'> }) {
  const state = alertState(alert);
  if (state === 'open') return null;
  return (
    <div class="alert alert-info closed-notice" role="status" data-testid="alert-closed" data-state={state}>
      <p>{t(state === 'cancelled' ? 'detail.cancelled' : 'detail.expired')}</p>
    </div>
  );
}

/** Who sent it and when, when it was changed, until when it holds. */
export function AlertFacts({ alert }: { alert: Alert }) {
  return (
    <div class="alert-facts">
      <p class="muted">{t('detail.from', { name: alert.sender.display_name, time: fmtTime(alert.created_at) })}</p>
      {alert.updated_at && <p class="muted">{t('detail.updated', { time: fmtTime(alert.updated_at) })}</p>}
      <p class={alertState(alert) === 'open' ? 'alert-expiry' : 'muted'} data-testid="alert-expiry">
        {t('detail.expires', { time: fmtTime(alert.expires_at) })}
      </p>
    </div>
  );
}

/** The alert's photo (a missing child, a suspect): the thumbnail, opening the full picture. */
export function AlertPhoto({ alert }: { alert: Alert }) {
  const photo = alert.photo && 'content_id' in alert.photo ? alert.photo : null;
  if (!photo || typeof photo.url !== 'string' || typeof photo.thumb_url !== 'string') return null;
  return (
    <figure class="alert-photo" data-testid="alert-photo">
      <a href={photo.url} target="_blank" rel="noopener">
        <img src={photo.thumb_url} alt={t('detail.photo')} width={photo.width} height={photo.height} />
      </a>
      <figcaption class="muted small">{t('detail.photoOpen')}</figcaption>
    </figure>
  );
}

/** Where it is: a point with the distance around it, or a patrol area; nothing when the alert has no place. */
export function AlertPlace({ alert }: { alert: Alert }) {
  const area = alert.area && 'id' in alert.area ? alert.area : null;
  const geometry = area ? parseGeometry(area.geometry).geometry : undefined;
  const areas: MapArea[] = area && geometry ? [{ id: area.id, name: area.name, geometry }] : [];
  const point = alert.lon !== null && alert.lat !== null ? ([alert.lon, alert.lat] as [number, number]) : null;
  if (!areas.length && !point) return null;
  return (
    <section class="card" aria-labelledby="place-h" data-testid="alert-place">
      <h2 id="place-h">{t('detail.place')}</h2>
      {areas.map((area) => (
        <p key={area.id} class="item-title">
          {area.name}
        </p>
      ))}
      {point && alert.radius_m && <p class="item-title">{t('detail.radius', { m: alert.radius_m })}</p>}
      <MapView
        areas={areas}
        points={point ? [{ position: point, label: alert.title }] : []}
        circles={point && alert.radius_m ? [{ position: point, radius: alert.radius_m }] : []}
        testid="alert-map"
      />
    </section>
  );
}
