/**
 * GeoJSON areas as the API stores them (WGS-84 longitude/latitude, RFC 7946), checked at
 * runtime: the generated types describe `geometry` as unknown, and pasted text can be anything.
 */
import type { FieldError } from '../api/errors';

export type Position = [number, number];
export type Ring = Position[];
export type PolygonCoordinates = Ring[];
export type Polygon = { type: 'Polygon'; coordinates: PolygonCoordinates };
export type MultiPolygon = { type: 'MultiPolygon'; coordinates: PolygonCoordinates[] };
export type AreaGeometry = Polygon | MultiPolygon;

export type Parsed = { geometry: AreaGeometry; problem?: undefined } | { geometry?: undefined; problem: FieldError };

const problem = (code: string): Parsed => ({ problem: { code, params: {} } });

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function position(value: unknown): Position | null {
  if (!Array.isArray(value) || value.length < 2) return null;
  const [lon, lat] = value;
  return typeof lon === 'number' && typeof lat === 'number' && Number.isFinite(lon) && Number.isFinite(lat) ? [lon, lat] : null;
}

function rings(value: unknown): PolygonCoordinates | null {
  if (!Array.isArray(value)) return null;
  const out: PolygonCoordinates = [];
  for (const ring of value) {
    if (!Array.isArray(ring)) return null;
    const points = ring.map(position);
    if (points.some((p) => p === null)) return null;
    out.push(points.filter((p): p is Position => p !== null));
  }
  return out;
}

/** A Polygon or MultiPolygon, also inside a Feature or a one-feature FeatureCollection. */
export function parseGeometry(value: unknown): Parsed {
  let geometry = value;
  if (isRecord(geometry) && geometry.type === 'FeatureCollection' && Array.isArray(geometry.features) && geometry.features.length === 1)
    geometry = geometry.features[0];
  if (isRecord(geometry) && geometry.type === 'Feature') geometry = geometry.geometry;
  if (!isRecord(geometry) || (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon')) return problem('geometry_not_polygon');
  if (geometry.type === 'Polygon') {
    const coordinates = rings(geometry.coordinates);
    return coordinates ? { geometry: { type: 'Polygon', coordinates } } : problem('geometry_malformed');
  }
  if (!Array.isArray(geometry.coordinates)) return problem('geometry_malformed');
  const polygons = geometry.coordinates.map(rings);
  if (polygons.some((p) => p === null)) return problem('geometry_malformed');
  return { geometry: { type: 'MultiPolygon', coordinates: polygons.filter((p): p is PolygonCoordinates => p !== null) } };
}

/** Pasted GeoJSON text. */
export function parseGeoJsonText(text: string): Parsed {
  if (!text.trim()) return problem('required');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return problem('json_invalid');
  }
  return parseGeometry(value);
}

/** The polygons of an area, one list of rings each. */
export function polygonsOf(geometry: AreaGeometry): PolygonCoordinates[] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

/** One polygon is a Polygon, several a MultiPolygon, none nothing. */
export function fromPolygons(polygons: PolygonCoordinates[]): AreaGeometry | null {
  if (polygons.length === 0) return null;
  return polygons.length === 1 ? { type: 'Polygon', coordinates: polygons[0] } : { type: 'MultiPolygon', coordinates: polygons };
}

/** Points of the outlines, not counting each ring's closing repeat of its first point. */
export function countPoints(geometry: AreaGeometry): number {
  return polygonsOf(geometry).reduce((n, polygon) => n + polygon.reduce((m, ring) => m + Math.max(0, ring.length - 1), 0), 0);
}

/** [[west, south], [east, north]] around all the areas and points, or null when there are none. */
export function boundsOf(geometries: AreaGeometry[], points: Position[] = []): [Position, Position] | null {
  const all = [...geometries.flatMap((g) => polygonsOf(g).flat(2)), ...points];
  if (all.length === 0) return null;
  const lons = all.map((p) => p[0]);
  const lats = all.map((p) => p[1]);
  return [
    [Math.min(...lons), Math.min(...lats)],
    [Math.max(...lons), Math.max(...lats)],
  ];
}

/** Apply `convert` to every position (coordinate systems, rounding). */
export function mapPositions(geometry: AreaGeometry, convert: (p: Position) => Position): AreaGeometry {
  if (geometry.type === 'Polygon') return { type: 'Polygon', coordinates: geometry.coordinates.map((ring) => ring.map(convert)) };
  return { type: 'MultiPolygon', coordinates: geometry.coordinates.map((polygon) => polygon.map((ring) => ring.map(convert))) };
}

/** About 1 cm: enough for patrol areas, and short JSON. */
export const roundPosition = ([lon, lat]: Position): Position => [Math.round(lon * 1e7) / 1e7, Math.round(lat * 1e7) / 1e7];
