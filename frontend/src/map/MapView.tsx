import { t } from './i18n';
import type { AreaGeometry, Position } from './geometry';
import { useMap } from './useMap';

export interface MapArea {
  id: number | string;
  name: string;
  geometry: AreaGeometry;
}

/** Areas and points on a map (tiles if configured, a plain background otherwise). */
export function MapView(props: { areas: MapArea[]; points?: { position: Position; label: string }[]; testid?: string; tall?: boolean }) {
  const points = props.points ?? [];
  const { element, failed } = useMap(
    ({ map, projection, fit }, { L, AREA_STYLE, toLatLngs, pinIcon }) => {
      const layer = L.featureGroup().addTo(map);
      for (const area of props.areas) L.polygon(toLatLngs(area.geometry, projection), AREA_STYLE).bindTooltip(area.name).addTo(layer);
      for (const point of points) L.marker(projection.toMap(point.position), { icon: pinIcon(), title: point.label, keyboard: false }).addTo(layer);
      fit(
        props.areas.map((a) => a.geometry),
        points.map((p) => p.position),
      );
      return () => layer.remove();
    },
    [JSON.stringify(props.areas), JSON.stringify(points)],
  );
  if (failed) return <p class="alert alert-error">{t('map.failed')}</p>;
  return <div ref={element} class={'map' + (props.tall ? ' map-tall' : '')} role="region" aria-label={t('map.label')} translate={false} data-testid={props.testid ?? 'map'} />;
}
