import { describe, expect, it } from 'vitest';
import { boundsOf, countPoints, fromPolygons, mapPositions, parseGeoJsonText, parseGeometry, roundPosition, type Ring } from './geometry';

const square: Ring = [
  [116.45, 39.93],
  [116.46, 39.93],
  [116.46, 39.94],
  [116.45, 39.94],
  [116.45, 39.93],
];

describe('parseGeometry', () => {
  it('accepts a Polygon', () => {
    expect(parseGeometry({ type: 'Polygon', coordinates: [square] })).toEqual({ geometry: { type: 'Polygon', coordinates: [square] } });
  });

  it('unwraps a Feature and a one-feature FeatureCollection', () => {
    const feature = { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [square] } };
    expect(parseGeometry(feature).geometry?.type).toBe('Polygon');
    expect(parseGeometry({ type: 'FeatureCollection', features: [feature] }).geometry?.type).toBe('Polygon');
  });

  it('says what kind of problem a wrong shape is, as a field code', () => {
    expect(parseGeometry({ type: 'Point', coordinates: [1, 2] }).problem?.code).toBe('geometry_not_polygon');
    expect(parseGeometry({ type: 'Polygon', coordinates: { lon: 1 } }).problem?.code).toBe('geometry_malformed');
    expect(parseGeometry({ type: 'Polygon', coordinates: [[['116', '39']]] }).problem?.code).toBe('geometry_malformed');
    expect(parseGeometry({ type: 'MultiPolygon', coordinates: [[square], 'x'] }).problem?.code).toBe('geometry_malformed');
  });

  it('reads pasted text, telling broken JSON from an empty box', () => {
    expect(parseGeoJsonText('{not json').problem?.code).toBe('json_invalid');
    expect(parseGeoJsonText('   ').problem?.code).toBe('required');
    expect(parseGeoJsonText(JSON.stringify({ type: 'Polygon', coordinates: [square] })).geometry).toBeDefined();
  });
});

describe('area helpers', () => {
  it('counts corners without the closing repeat', () => {
    expect(countPoints({ type: 'Polygon', coordinates: [square] })).toBe(4);
    expect(countPoints({ type: 'MultiPolygon', coordinates: [[square], [square]] })).toBe(8);
  });

  it('makes one polygon a Polygon, several a MultiPolygon, none nothing', () => {
    expect(fromPolygons([])).toBeNull();
    expect(fromPolygons([[square]])?.type).toBe('Polygon');
    expect(fromPolygons([[square], [square]])?.type).toBe('MultiPolygon');
  });

  it('finds the bounds of areas and points together', () => {
    expect(boundsOf([{ type: 'Polygon', coordinates: [square] }], [[116.5, 39.9]])).toEqual([
      [116.45, 39.9],
      [116.5, 39.94],
    ]);
    expect(boundsOf([])).toBeNull();
  });

  it('rounds positions to about a centimetre', () => {
    expect(roundPosition([116.123456789, 39.987654321])).toEqual([116.1234568, 39.9876543]);
    const moved = mapPositions({ type: 'Polygon', coordinates: [square] }, ([lon, lat]) => [lon + 1, lat]);
    expect(moved.type === 'Polygon' && moved.coordinates[0][0]).toEqual([117.45, 39.93]);
  });
});
