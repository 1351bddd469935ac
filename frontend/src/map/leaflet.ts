/**
 * Leaflet, in its own chunk: only screens that show a map load it. Positions are WGS-84;
 * a projection converts them for drawing when the configured tiles are in GCJ-02.
 */
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import './map.css';
import type { MapConfig } from './config';
import { gcj02ToWgs84, wgs84ToGcj02 } from './gcj02';
import { boundsOf, polygonsOf, roundPosition, type AreaGeometry, type Position } from './geometry';

// Leaflet plugins (Geoman) look for the global.
Reflect.set(window, 'L', L);

export { L };

export interface Projection {
  toMap(position: Position): L.LatLng;
  fromMap(latLng: L.LatLng): Position;
  /** A [lng, lat] pair in the map's coordinates (Leaflet's GeoJSON) back to WGS-84. */
  fromMapPosition(position: Position): Position;
}

export function projection(crs: MapConfig['crs']): Projection {
  const back = crs === 'gcj02' ? (p: Position) => roundPosition(gcj02ToWgs84(p)) : roundPosition;
  const forth = crs === 'gcj02' ? wgs84ToGcj02 : (p: Position) => p;
  return {
    toMap: (p) => {
      const [lon, lat] = forth(p);
      return L.latLng(lat, lon);
    },
    fromMap: (ll) => back([ll.lng, ll.lat]),
    fromMapPosition: back,
  };
}

/** Roughly Beijing's centre: where an empty map opens when there is nothing to show yet. */
const FALLBACK_CENTRE: Position = [116.397, 39.909];

export interface MapKit {
  map: L.Map;
  projection: Projection;
  /** Zoom to show these areas and points (or the fallback centre when there are none). */
  fit(geometries: AreaGeometry[], points?: Position[]): void;
}

/** A map on `element`: tiles if configured, else a plain background; always a scale. */
export function createMap(element: HTMLElement, config: MapConfig, options: L.MapOptions = {}): MapKit {
  const map = L.map(element, { maxZoom: config.max_zoom, zoomSnap: 0.5, attributionControl: true, ...options });
  map.attributionControl.setPrefix('Leaflet');
  element.classList.add('map-plain');
  if (config.tile_url)
    L.tileLayer(config.tile_url, { maxZoom: config.max_zoom, attribution: config.attribution ?? undefined, crossOrigin: true }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);
  const proj = projection(config.crs);
  const fit = (geometries: AreaGeometry[], points: Position[] = []) => {
    const bounds = boundsOf(geometries, points);
    if (!bounds) map.setView(proj.toMap(FALLBACK_CENTRE), 13);
    else if (bounds[0][0] === bounds[1][0] && bounds[0][1] === bounds[1][1]) map.setView(proj.toMap(bounds[0]), 17);
    else map.fitBounds(L.latLngBounds(proj.toMap(bounds[0]), proj.toMap(bounds[1])), { padding: [24, 24], maxZoom: 18 });
  };
  return { map, projection: proj, fit };
}

/** Leaflet's polygon rings for an area, in map coordinates. */
export function toLatLngs(geometry: AreaGeometry, proj: Projection): L.LatLng[][][] {
  // Leaflet closes rings itself; GeoJSON repeats the first point at the end.
  return polygonsOf(geometry).map((polygon) => polygon.map((ring) => ring.slice(0, -1).map(proj.toMap)));
}

export const AREA_STYLE: L.PathOptions = { color: '#1652b8', weight: 3, fillColor: '#1652b8', fillOpacity: 0.18 };
/** An alert's reach around a point. */
export const CIRCLE_STYLE: L.CircleMarkerOptions = { color: '#b42318', weight: 2, fillColor: '#b42318', fillOpacity: 0.12, interactive: false };
export const CONTEXT_STYLE: L.PathOptions = { color: '#485263', weight: 2, dashArray: '6 6', fillOpacity: 0.06, interactive: false };

/** Areas one can choose by tapping, and the one chosen. */
export const SELECTABLE_STYLE: L.PathOptions = { color: '#485263', weight: 2, dashArray: '6 6', fillColor: '#485263', fillOpacity: 0.08 };
export const SELECTED_STYLE: L.PathOptions = { color: '#1652b8', weight: 5, fillColor: '#1652b8', fillOpacity: 0.3 };

export type PinKind = 'pin' | 'person' | 'me';

/** A pin that stays readable without tiles: a dark ring with a white centre; a person a blue dot; me a ringed dot. */
export const pinIcon = (kind: PinKind = 'pin') =>
  kind === 'pin'
    ? L.divIcon({ className: 'map-pin', iconSize: [28, 28], iconAnchor: [14, 14] })
    : L.divIcon({ className: kind === 'me' ? 'map-me' : 'map-person', iconSize: [22, 22], iconAnchor: [11, 11] });
