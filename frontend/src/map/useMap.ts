import type { MapOptions } from 'leaflet';
import { useEffect, useRef, useState } from 'preact/hooks';
import { mapConfig } from './config';
import type { MapKit } from './leaflet';

export type LeafletModule = typeof import('./leaflet');

/**
 * A map on the returned ref's element, made once Leaflet's chunk has loaded. `draw` puts
 * layers on it, again whenever `deps` change, and returns what removes them.
 */
export function useMap(
  draw: (kit: MapKit, leaflet: LeafletModule) => void | (() => void),
  deps: unknown[],
  /** The editor's map: Geoman loads first and the map opts in to editing. */
  editable = false,
  /** Leaflet options for the map's whole life (a still thumbnail turns dragging and zoom off). */
  options: MapOptions = {},
) {
  const element = useRef<HTMLDivElement>(null);
  const [loaded, setLoaded] = useState<{ kit: MapKit; leaflet: LeafletModule } | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    let created: MapKit | null = null;
    // Geoman hooks into maps as they are made, so for an editor it comes first.
    const load = editable ? import('./editing').then(() => import('./leaflet')) : import('./leaflet');
    load.then(
      (leaflet) => {
        if (!live || !element.current) return;
        created = leaflet.createMap(element.current, mapConfig.peek(), editable ? { ...options, pmIgnore: false } : options);
        setLoaded({ kit: created, leaflet });
      },
      () => live && setFailed(true),
    );
    return () => {
      live = false;
      created?.map.remove();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- a map is editable or not for its whole life
  }, []);
  const latest = useRef(draw);
  latest.current = draw;
  useEffect(() => {
    if (!loaded) return;
    return latest.current(loaded.kit, loaded.leaflet) ?? undefined;
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller's deps say when to draw again
  }, [loaded, ...deps]);
  return { element, kit: loaded?.kit ?? null, leaflet: loaded?.leaflet ?? null, failed };
}
