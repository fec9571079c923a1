/** Where the owner that died ran, as the surviving server sees it. */
export type OwnerPlace = 'this machine' | 'another machine';

/** The server's heartbeat period: a third of the lease (apps/server RunOwnersService). */
export function heartbeatMs(leaseMs: number): number {
  return Math.max(1, Math.floor(leaseMs / 3));
}

/**
 * When, after the owner's death, a surviving server may take its run over, in ms (before resuming
 * it costs anything). On this machine it sees at its next heartbeat that the owner's process is
 * gone. Otherwise it waits for the lease: renewed at the owner's last heartbeat, up to one period
 * before the death, it runs out `lease − period .. lease` after it, and is noticed at the next beat.
 */
export function takeoverWindow(
  leaseMs: number,
  place: OwnerPlace,
): { readonly fromMs: number; readonly toMs: number } {
  const beat = heartbeatMs(leaseMs);
  return place === 'this machine'
    ? { fromMs: 0, toMs: beat }
    : { fromMs: leaseMs - beat, toMs: leaseMs + beat };
}

/** How many lines of a marker file (`<run id> <pid>` per started attempt) name `runId`. */
export function attemptsStarted(markers: string, runId: string): number {
  return markers.split('\n').filter((line) => line.split(' ')[0] === runId).length;
}
