/**
 * Polygon drawing and editing with Leaflet-Geoman (free edition, maintained; Leaflet.draw is
 * neither and breaks in ES-module builds). Its own chunk, loaded only by the area editor.
 */
// Leaflet first: it sets the global `L` that Geoman's script extends.
import { AREA_STYLE, L, type Projection } from './leaflet';
import '@geoman-io/leaflet-geoman-free';
import '@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css';
import type { Locale } from '../i18n';
import { fromPolygons, mapPositions, parseGeometry, polygonsOf, type AreaGeometry, type PolygonCoordinates } from './geometry';

// Only layers marked `pmIgnore: false` become editable: maps that just show areas (made before
// or after this chunk loaded) keep plain Leaflet layers.
L.PM.setOptIn(true);

/** Options for a polygon the editor may change. */
export const EDITABLE_AREA = { ...AREA_STYLE, pmIgnore: false };

export type EditMode = 'idle' | 'draw' | 'edit' | 'remove';

/** Geoman's tooltips in the app's language. */
export function setEditorLanguage(map: L.Map, locale: Locale): void {
  map.pm.setLang(locale === 'zh-CN' ? 'zh' : 'en');
}

export function setMode(map: L.Map, mode: EditMode): void {
  map.pm.disableDraw();
  if (map.pm.globalEditModeEnabled()) map.pm.disableGlobalEditMode();
  if (map.pm.globalRemovalModeEnabled()) map.pm.disableGlobalRemovalMode();
  if (mode === 'draw') map.pm.enableDraw('Polygon', { snappable: false, continueDrawing: false, pathOptions: EDITABLE_AREA });
  if (mode === 'edit') map.pm.enableGlobalEditMode({ allowSelfIntersection: true });
  if (mode === 'remove') map.pm.enableGlobalRemovalMode();
}

/** End the polygon being drawn with the points placed so far (what Geoman's own "Finish" does). */
export function finishDrawing(map: L.Map): void {
  const polygon: unknown = map.pm.Draw.Polygon;
  const finish: unknown = polygon && Reflect.get(polygon, '_finishShape');
  if (typeof finish === 'function') finish.call(polygon);
}

/** The editable polygons on the map as one area in WGS-84 (null when none is drawn). */
export function readArea(layers: L.FeatureGroup, projection: Projection): AreaGeometry | null {
  const polygons: PolygonCoordinates[] = [];
  layers.eachLayer((layer) => {
    if (!(layer instanceof L.Polygon)) return;
    const { geometry } = parseGeometry(layer.toGeoJSON(7));
    if (geometry) polygons.push(...polygonsOf(mapPositions(geometry, projection.fromMapPosition)));
  });
  return fromPolygons(polygons);
}
