import { describe, expect, it } from 'vitest';
import { gcj02ToWgs84, outOfChina, wgs84ToGcj02 } from './gcj02';

describe('GCJ-02', () => {
  it('shifts a Beijing position by a few hundred metres', () => {
    const [lon, lat] = wgs84ToGcj02([116.397, 39.909]);
    expect(lon - 116.397).toBeGreaterThan(0.005);
    expect(lon - 116.397).toBeLessThan(0.007);
    expect(lat - 39.909).toBeGreaterThan(0.0005);
    expect(lat - 39.909).toBeLessThan(0.0020);
  });

  it('comes back to the same WGS-84 position within a centimetre', () => {
    const start: [number, number] = [116.4545, 39.9372];
    const [lon, lat] = gcj02ToWgs84(wgs84ToGcj02(start));
    expect(Math.abs(lon - start[0])).toBeLessThan(1e-7);
    expect(Math.abs(lat - start[1])).toBeLessThan(1e-7);
  });

  it('leaves positions outside China alone', () => {
    expect(outOfChina([2.35, 48.85])).toBe(true);
    expect(wgs84ToGcj02([2.35, 48.85])).toEqual([2.35, 48.85]);
  });
});
