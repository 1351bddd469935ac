import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from './i18n';
import { boundsOf, type AreaGeometry, type Position } from './geometry';
import type { PinKind } from './leaflet';
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

export interface MapPoint {
  position: Position;
  label: string;
  /** pin (a place), person (someone on duty), me (this phone). */
  kind?: PinKind;
}

interface MapViewProps {
  areas: MapArea[];
  points?: MapPoint[];
  /** An alert's reach around a point. */
  circles?: MapCircle[];
  testid?: string;
  /** A screen's main map. */
  tall?: boolean;
  /** A still thumbnail in a list row: no dragging, no zoom. */
  small?: boolean;
  /** Areas can be chosen by tapping them; the chosen one stands out. */
  selected?: MapArea['id'] | null;
  onSelect?: (id: MapArea['id']) => void;
  /** Points carry their label on the map, not only on hover (names of people on duty). */
  labelled?: boolean;
  /** Made only once scrolled into view: a list of thumbnails doesn't start twenty maps at once. */
  lazy?: boolean;
}

/** How much ground an area's bounding box covers (in squared degrees: only to compare). */
function extent(area: MapArea): number {
  const box = boundsOf([area.geometry]);
  return box ? (box[1][0] - box[0][0]) * (box[1][1] - box[0][1]) : 0;
}

function TheMap(props: MapViewProps) {
  const points = props.points ?? [];
  const circles = props.circles ?? [];
  const still = !!props.small;
  const { selected, onSelect, labelled } = props;
  const latestSelect = useRef(onSelect);
  latestSelect.current = onSelect;
  const latestSelected = useRef(selected);
  latestSelected.current = selected;
  // The chosen area is restyled in place: choosing neither redraws nor re-fits the map.
  const polygons = useRef(new Map<MapArea['id'], { setStyle(style: object): unknown }>());
  const styles = useRef<{ on: object; off: object } | null>(null);
  const { element, failed } = useMap(
    ({ map, projection, fit }, { L, AREA_STYLE, CIRCLE_STYLE, SELECTABLE_STYLE, SELECTED_STYLE, toLatLngs, pinIcon }) => {
      const layer = L.featureGroup().addTo(map);
      // To choose by tapping, the largest are drawn first: a small area inside or across a large one stays on top.
      const areas = onSelect ? [...props.areas].sort((a, b) => extent(b) - extent(a)) : props.areas;
      styles.current = { on: SELECTED_STYLE, off: SELECTABLE_STYLE };
      polygons.current.clear();
      for (const area of areas) {
        const style = !onSelect ? AREA_STYLE : area.id === latestSelected.current ? SELECTED_STYLE : SELECTABLE_STYLE;
        const polygon = L.polygon(toLatLngs(area.geometry, projection), style).addTo(layer);
        polygons.current.set(area.id, polygon);
        if (!still) polygon.bindTooltip(area.name, { permanent: !!onSelect, direction: 'center', className: 'map-area-label' });
        if (onSelect) polygon.on('click', () => latestSelect.current?.(area.id));
      }
      for (const circle of circles) L.circle(projection.toMap(circle.position), { ...CIRCLE_STYLE, radius: circle.radius }).addTo(layer);
      for (const point of points) {
        const marker = L.marker(projection.toMap(point.position), { icon: pinIcon(point.kind), title: point.label, keyboard: false }).addTo(layer);
        if (labelled) marker.bindTooltip(point.label, { permanent: true, direction: 'right', offset: [10, 0], className: 'map-point-label' });
      }
      fit(
        props.areas.map((a) => a.geometry),
        [...points.map((p) => p.position), ...circles.flatMap(circleExtent)],
      );
      return () => layer.remove();
    },
    [JSON.stringify(props.areas), JSON.stringify(points), JSON.stringify(circles), !!onSelect, labelled],
    false,
    still ? STILL : {},
  );
  useEffect(() => {
    const chosen = styles.current;
    if (onSelect && chosen) for (const [id, polygon] of polygons.current) polygon.setStyle(id === selected ? chosen.on : chosen.off);
  }, [selected, onSelect]);
  if (failed) return <p class="alert alert-error">{t('map.failed')}</p>;
  return (
    <div
      ref={element}
      class={'map' + (props.tall ? ' map-tall' : '') + (still ? ' map-small' : '')}
      role={still ? 'img' : 'region'}
      aria-label={still ? props.areas.map((a) => a.name).join(', ') || t('map.label') : t('map.label')}
      translate={false}
      data-testid={props.testid ?? 'map'}
    />
  );
}

// Kept out of the render so the options object is the same on every render.
const STILL = {
  zoomControl: false,
  dragging: false,
  touchZoom: false,
  scrollWheelZoom: false,
  doubleClickZoom: false,
  boxZoom: false,
  keyboard: false,
} as const;

/** Mount `children` once the placeholder comes near the screen. */
function WhenVisible(props: { children: () => ComponentChildren; class: string; testid?: string }) {
  const [shown, setShown] = useState(typeof IntersectionObserver === 'undefined');
  const placeholder = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (shown || !placeholder.current) return;
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && setShown(true), { rootMargin: '200px' });
    observer.observe(placeholder.current);
    return () => observer.disconnect();
  }, [shown]);
  if (shown) return <>{props.children()}</>;
  return <div ref={placeholder} class={props.class} data-testid={props.testid} aria-hidden="true" />;
}

/** Areas, points and circles (an alert's reach) on a map (tiles if configured, a plain background otherwise). */
export function MapView(props: MapViewProps) {
  if (!props.lazy) return <TheMap {...props} />;
  return (
    <WhenVisible class={'map map-plain' + (props.small ? ' map-small' : '')} testid={props.testid}>
      {() => <TheMap {...props} />}
    </WhenVisible>
  );
}
