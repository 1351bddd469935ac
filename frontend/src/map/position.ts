/**
 * The phone's position, once: what "use my position", the check-in and "nearest first" ask.
 * No Leaflet here, so screens without a map can use it.
 */

/** A fix as the API's GeoFix takes it: WGS-84 degrees, accuracy in metres (> 0). */
export interface Fix {
  lon: number;
  lat: number;
  accuracy_m: number;
  /** When the device took it (ISO). */
  fixed_at: string;
}

export type NoFixReason = 'unsupported' | 'denied' | 'unavailable' | 'timeout';
export type PositionResult = { fix: Fix; reason?: undefined } | { fix?: undefined; reason: NoFixReason };

/**
 * Ask for the position; never rejects. An accuracy of 0 (or none) means the device did not
 * know how sure it is, which the server refuses: that counts as no fix.
 */
export function getPosition(options: { timeout?: number; maximumAge?: number } = {}): Promise<PositionResult> {
  if (typeof navigator === 'undefined' || !('geolocation' in navigator)) return Promise.resolve({ reason: 'unsupported' });
  const timeout = options.timeout ?? 20000;
  return new Promise((resolve) => {
    // Some WebViews never call back at all when the permission prompt is dismissed.
    const guard = setTimeout(() => resolve({ reason: 'timeout' }), timeout + 2000);
    navigator.geolocation.getCurrentPosition(
      ({ coords, timestamp }) => {
        clearTimeout(guard);
        if (!(coords.accuracy > 0) || !Number.isFinite(coords.longitude) || !Number.isFinite(coords.latitude)) return resolve({ reason: 'unavailable' });
        resolve({
          fix: {
            lon: coords.longitude,
            lat: coords.latitude,
            accuracy_m: Math.max(1, Math.round(coords.accuracy)),
            fixed_at: new Date(timestamp || Date.now()).toISOString(),
          },
        });
      },
      (error) => {
        clearTimeout(guard);
        resolve({ reason: error.code === error.PERMISSION_DENIED ? 'denied' : error.code === error.TIMEOUT ? 'timeout' : 'unavailable' });
      },
      { enableHighAccuracy: true, timeout, maximumAge: options.maximumAge ?? 30000 },
    );
  });
}
