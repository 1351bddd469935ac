import { signal } from '@preact/signals';
import { call, client } from '../../api/client';
import type { Schemas } from '../../api/types';
import { storage } from '../../lib/storage';
import { mapConfig } from '../../map/config';

/** Server settings the screens follow (GET /api/v1/client-config); never repeated in the client. */
export const clientConfig = signal<{ password_min_length: number } | null>(null);

const CONFIG_KEY = 'pingan.client-config';

/** Fetch the settings; offline, the last copy this phone saw (they are not personal). */
export async function loadClientConfig(): Promise<void> {
  let config: Schemas['ClientConfig'];
  try {
    config = await call(() => client.GET('/api/v1/client-config'));
    storage.set(CONFIG_KEY, JSON.stringify(config));
  } catch {
    const saved = storage.get(CONFIG_KEY);
    if (!saved) return;
    config = JSON.parse(saved);
  }
  clientConfig.value = { password_min_length: config.password_min_length };
  const map = config.map;
  mapConfig.value = {
    tile_url: map.tile_url,
    attribution: map.attribution,
    max_zoom: map.max_zoom,
    crs: map.crs === 'gcj02' ? 'gcj02' : 'wgs84',
  };
}
