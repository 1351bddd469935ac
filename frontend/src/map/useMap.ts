import { useEffect, useRef, useState } from 'preact/hooks';
import { mapConfig } from './config';
import type { MapKit } from './leaflet';

export type LeafletModule = typeof import('./leaflet');

/**
 * A map on the returned ref's element, made once Leaflet's chunk has loaded. `draw` puts
 * layers on it, again whenever `deps` change, and returns what removes them.
 */
export function useMap(draw: (kit: MapKit, leaflet: LeafletModule) => void | (() => void), deps: unknown[]) {
  const element = useRef<HTMLDivElement>(null);
  const [loaded, setLoaded] = useState<{ kit: MapKit; leaflet: LeafletModule } | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    let created: MapKit | null = null;
    import('./leaflet').then(
      (leaflet) => {
        if (!live || !element.current) return;
        created = leaflet.createMap(element.current, mapConfig.peek());
        setLoaded({ kit: created, leaflet });
      },
      () => live && setFailed(true),
    );
    return () => {
      live = false;
      created?.map.remove();
    };
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
