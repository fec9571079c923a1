import { useEffect, useState } from 'react';

/**
 * The current time in epoch ms, refreshed every `intervalMs` while `live` is true; frozen otherwise.
 * A fixed `override` (stories, tests, replays) wins.
 * @param intervalMs refresh period. @default 200
 */
export function useNow(live: boolean, override?: number | null, intervalMs = 200): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!live || (override !== undefined && override !== null)) return undefined;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [live, override, intervalMs]);
  return override ?? now;
}

/** The moment a widget should draw up to: `now` while the run is live, its end once finished. */
export function drawTime(state: { status: string; startMs: number | null; endMs: number | null; lastEventMs: number | null }, now: number): number {
  if (state.status === 'running') return Math.max(now, state.lastEventMs ?? now);
  return state.endMs ?? state.lastEventMs ?? state.startMs ?? now;
}
