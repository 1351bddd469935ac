import { signal } from '@preact/signals';

/**
 * Where map tiles come from, as the server is configured (GET /api/v1/client-config `map`).
 * No tile URL (or tiles that don't load) still gives a working map: a plain background with
 * the areas, points and a scale.
 */
export interface MapConfig {
  tile_url: string | null;
  attribution: string | null;
  max_zoom: number;
  /** The coordinate system of the tiles; positions are WGS-84 whatever this says. */
  crs: 'wgs84' | 'gcj02';
}

export const NO_TILES: MapConfig = { tile_url: null, attribution: null, max_zoom: 18, crs: 'wgs84' };

export const mapConfig = signal<MapConfig>(NO_TILES);
