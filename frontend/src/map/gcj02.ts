/**
 * WGS-84 ↔ GCJ-02. Positions are stored and sent in WGS-84 (what GPS gives); maps whose
 * tiles are in GCJ-02 (the offset system Chinese map providers must use) draw them shifted.
 * Only drawing converts: to the map with wgs84ToGcj02, back from the map with gcj02ToWgs84.
 * Formula: the published Krasovsky-ellipsoid approximation used by open-source converters.
 */
import type { Position } from './geometry';

const A = 6378245.0;
const EE = 0.006693421622965943;

/** GCJ-02 applies only inside mainland China; elsewhere both systems agree. */
export function outOfChina([lon, lat]: Position): boolean {
  return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

function transformLat(x: number, y: number): number {
  let r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  r += ((20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin((y / 3.0) * Math.PI)) * 2.0) / 3.0;
  r += ((160.0 * Math.sin((y / 12.0) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30.0)) * 2.0) / 3.0;
  return r;
}

function transformLon(x: number, y: number): number {
  let r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  r += ((20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin((x / 3.0) * Math.PI)) * 2.0) / 3.0;
  r += ((150.0 * Math.sin((x / 12.0) * Math.PI) + 300.0 * Math.sin((x / 30.0) * Math.PI)) * 2.0) / 3.0;
  return r;
}

export function wgs84ToGcj02(position: Position): Position {
  if (outOfChina(position)) return position;
  const [lon, lat] = position;
  const radLat = (lat / 180.0) * Math.PI;
  let magic = Math.sin(radLat);
  magic = 1 - EE * magic * magic;
  const sqrtMagic = Math.sqrt(magic);
  const dLat = (transformLat(lon - 105.0, lat - 35.0) * 180.0) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI);
  const dLon = (transformLon(lon - 105.0, lat - 35.0) * 180.0) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return [lon + dLon, lat + dLat];
}

/** The inverse, by fixed-point iteration: a few steps reach well under a centimetre. */
export function gcj02ToWgs84(position: Position): Position {
  if (outOfChina(position)) return position;
  let guess: Position = position;
  for (let i = 0; i < 8; i++) {
    const shifted = wgs84ToGcj02(guess);
    const dLon = shifted[0] - position[0];
    const dLat = shifted[1] - position[1];
    guess = [guess[0] - dLon, guess[1] - dLat];
    if (Math.abs(dLon) < 1e-9 && Math.abs(dLat) < 1e-9) break;
  }
  return guess;
}
