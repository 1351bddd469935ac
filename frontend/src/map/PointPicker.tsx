import { useState } from 'preact/hooks';
import { Field } from '../ui/fields';
import { t } from './i18n';
import { getPosition } from './position';
import type { AreaGeometry, Position } from './geometry';
import { useMap } from './useMap';

export interface PickedPoint {
  /** WGS-84 [longitude, latitude]. */
  position: Position;
  /** Metres, when the phone's position fix said how sure it is. */
  accuracy?: number;
}

function usePositionButton(onPicked: (point: PickedPoint) => void) {
  const [state, setState] = useState<'idle' | 'locating' | 'failed'>('idle');
  const locate = () => {
    setState('locating');
    void getPosition().then(({ fix }) => {
      setState(fix ? 'idle' : 'failed');
      if (fix) onPicked({ position: [fix.lon, fix.lat], accuracy: fix.accuracy_m });
    });
  };
  return { state, locate };
}

/**
 * A place on the map: tap it, drag the marker, or "use my position" (with the fix's accuracy
 * drawn as a circle). With `radius`, also a distance around it (alert targets).
 */
function PointMap(props: {
  value: PickedPoint | null;
  onChange: (point: PickedPoint) => void;
  radius?: number;
  context?: { geometry: AreaGeometry }[];
  testid: string;
}) {
  const { value, onChange, radius } = props;
  const { element, failed } = useMap(
    ({ map, projection, fit }, { L, CONTEXT_STYLE, toLatLngs, pinIcon }) => {
      const layer = L.featureGroup().addTo(map);
      for (const area of props.context ?? []) L.polygon(toLatLngs(area.geometry, projection), CONTEXT_STYLE).addTo(layer);
      const pick = (event: L.LeafletMouseEvent) => onChange({ position: projection.fromMap(event.latlng) });
      map.on('click', pick);
      if (value) {
        const at = projection.toMap(value.position);
        const marker = L.marker(at, { icon: pinIcon(), draggable: true, keyboard: false }).addTo(layer);
        marker.on('dragend', () => onChange({ position: projection.fromMap(marker.getLatLng()) }));
        if (value.accuracy) L.circle(at, { radius: value.accuracy, color: '#1652b8', weight: 1, fillOpacity: 0.1, interactive: false }).addTo(layer);
        if (radius) L.circle(at, { radius, color: '#b42318', weight: 2, fillOpacity: 0.08, interactive: false }).addTo(layer);
      }
      if (!map.getZoom() || !value) fit((props.context ?? []).map((a) => a.geometry), value ? [value.position] : []);
      else map.panTo(projection.toMap(value.position));
      return () => {
        map.off('click', pick);
        layer.remove();
      };
    },
    [value?.position[0], value?.position[1], value?.accuracy, radius],
  );
  const position = usePositionButton(onChange);
  if (failed) return <p class="alert alert-error">{t('map.failed')}</p>;
  return (
    <div class="point-picker" data-testid={props.testid}>
      <p class="hint">{t('map.tapToPick')}</p>
      <div ref={element} class="map" role="region" aria-label={t('map.label')} translate={false} />
      <div class="btn-row">
        <button type="button" class="btn btn-secondary" onClick={position.locate} disabled={position.state === 'locating'} data-testid={props.testid + '-locate'}>
          {position.state === 'locating' ? t('map.locating') : t('map.myPosition')}
        </button>
      </div>
      {position.state === 'failed' && <p class="field-error">{t('map.noGeolocation')}</p>}
      {value && (
        <p class="muted" data-testid={props.testid + '-value'}>
          {t('map.position', { lon: value.position[0].toFixed(6), lat: value.position[1].toFixed(6) })}
          {value.accuracy !== undefined && <> · {t('map.accuracy', { m: value.accuracy })}</>}
        </p>
      )}
    </div>
  );
}

export function PointPicker(props: { value: PickedPoint | null; onChange: (point: PickedPoint) => void; context?: { geometry: AreaGeometry }[]; testid?: string }) {
  return <PointMap {...props} testid={props.testid ?? 'point-picker'} />;
}

/** A place and a distance around it, e.g. who an alert reaches. */
export function PointRadiusPicker(props: {
  value: { point: PickedPoint | null; radius: number };
  onChange: (value: { point: PickedPoint | null; radius: number }) => void;
  min?: number;
  max?: number;
  /** Areas drawn faintly for orientation (the sender's patrol areas); the map opens over them. */
  context?: { geometry: AreaGeometry }[];
  testid?: string;
}) {
  const { point, radius } = props.value;
  const testid = props.testid ?? 'point-radius-picker';
  return (
    <div>
      <PointMap value={point} radius={radius} onChange={(picked) => props.onChange({ point: picked, radius })} context={props.context} testid={testid} />
      <Field
        label={t('map.radius')}
        type="number"
        inputMode="numeric"
        min={props.min ?? 50}
        max={props.max ?? 5000}
        value={String(radius)}
        onValue={(v) => props.onChange({ point, radius: Number(v) || 0 })}
        testid={testid + '-radius'}
      />
    </div>
  );
}
