import { useEffect, useRef, useState } from 'react';

/**
 * Loads now and then every `intervalMs` while `enabled`. The next load is timed from the end of the
 * last one, so a slow server never has two requests of this poll in flight. The last data is kept
 * through an error and while disabled.
 */
export function usePolling<T>(load: () => Promise<T>, intervalMs: number, enabled = true) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  });
  useEffect(() => {
    if (!enabled) return undefined;
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = () => {
      loadRef
        .current()
        .then((d) => alive && (setData(d), setError(null)))
        .catch((e: unknown) => alive && setError(e instanceof Error ? e.message : String(e)))
        .finally(() => {
          if (alive) timer = setTimeout(tick, intervalMs);
        });
    };
    tick();
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [intervalMs, enabled]);
  return { data, error };
}
