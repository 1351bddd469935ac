import { useEffect, useRef } from 'preact/hooks';

/** Call `tick` every `ms` while `active` and the app is on screen; at once when it comes back into view. */
export function usePolling(tick: () => void, ms: number, active: boolean): void {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    if (!active) return;
    let timer: number | undefined;
    const start = () => {
      clearInterval(timer);
      timer = undefined;
      if (document.visibilityState === 'visible') timer = window.setInterval(() => latest.current(), ms);
    };
    const onVisibility = () => {
      if (document.visibilityState === 'visible') latest.current();
      start();
    };
    start();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [ms, active]);
}
