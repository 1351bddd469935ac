import { t } from './i18n';
import type { AreaGeometry, Position } from './geometry';
import { useMap } from './useMap';

export interface MapArea {
  id: number | string;
  name: string;
  geometry: AreaGeometry;
}

export interface MapCircle {
  /** WGS-84 [longitude, latitude]. */
  position: Position;
  /** Metres. */
  radius: number;
}

/** The corners of a circle's bounding box, so fitting the map shows all of it. */
export function circleExtent({ position: [lon, lat], radius }: MapCircle): Position[] {
  const dLat = radius / 111_320;
  const dLon = radius / (111_320 * Math.max(0.01, Math.cos((lat * Math.PI) / 180)));
  return [
    [lon - dLon, lat - dLat],
    [lon + dLon, lat + dLat],
  ];
}

/** Areas, points and circles (an alert's reach) on a map (tiles if configured, a plain background otherwise). */
export function MapView(props: {
  areas: MapArea[];
  points?: { position: Position; label: string }[];
  circles?: MapCircle[];
  testid?: string;
  tall?: boolean;
}) {
  const points = props.points ?? [];
  const circles = props.circles ?? [];
  const { element, failed } = useMap(
    ({ map, projection, fit }, { L, AREA_STYLE, CIRCLE_STYLE, toLatLngs, pinIcon }) => {
      const layer = L.featureGroup().addTo(map);
      for (const area of props.areas) L.polygon(toLatLngs(area.geometry, projection), AREA_STYLE).bindTooltip(area.name).addTo(layer);
      for (const circle of circles) L.circle(projection.toMap(circle.position), { ...CIRCLE_STYLE, radius: circle.radius }).addTo(layer);
      for (const point of points) L.marker(projection.toMap(point.position), { icon: pinIcon(), title: point.label, keyboard: false }).addTo(layer);
      fit(
        props.areas.map((a) => a.geometry),
        [...points.map((p) => p.position), ...circles.flatMap(circleExtent)],
      );
      return () => layer.remove();
    },
    [JSON.stringify(props.areas), JSON.stringify(points), JSON.stringify(circles)],
  );
  if (failed) return <p class="alert alert-error">{t('map.failed')}</p>;
  return <div ref={element} class={'map' + (props.tall ? ' map-tall' : '')} role="region" aria-label={t('map.label')} translate={false} data-testid={props.testid ?? 'map'} />;
}
