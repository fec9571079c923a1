import { readdirSync, readFileSync } from 'node:fs';

/** Where the process table is read; a test may point it elsewhere. @default '/proc' */
const PROC = '/proc';

/**
 * Step processes that belong to `runIds`, found by the `WEFT_RUN_ID` every step process carries in
 * its environment (docs/step-types.md): after the process that ran those runs died, its steps'
 * process groups live on. Reads Linux's /proc; elsewhere, or without the right to read another
 * user's environment, it finds nothing. Returns `{ pid, pgid, runId }` for each process found.
 */
export function findStepProcesses(runIds: Iterable<string>, proc = PROC): { pid: number; pgid: number; runId: string }[] {
  const wanted = new Set(runIds);
  if (wanted.size === 0) return [];
  let entries: string[];
  try {
    entries = readdirSync(proc);
  } catch {
    return [];
  }
  const found: { pid: number; pgid: number; runId: string }[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const environ = readFileSync(`${proc}/${entry}/environ`, 'latin1');
      const match = /(?:^|\0)WEFT_RUN_ID=([^\0]*)/.exec(environ);
      if (!match || !wanted.has(match[1])) continue;
      // Field 5 of stat is the process group; the command name (field 2) may hold spaces, so count from its ')'.
      const stat = readFileSync(`${proc}/${entry}/stat`, 'latin1');
      const pgid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      found.push({ pid: Number(entry), pgid, runId: match[1] });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

/**
 * Kills (SIGKILL) the process groups of the step processes of `runIds` left behind by a process
 * that died mid-run, so that a retry never runs next to a stale copy. Only processes whose own
 * environment names one of the runs are matched, so a reused pid is never hit. Returns the pids found.
 */
export function killOrphanedStepProcesses(runIds: Iterable<string>, proc = PROC): number[] {
  const found = findStepProcesses(runIds, proc);
  for (const { pid, pgid } of found) {
    for (const target of pgid > 1 ? [-pgid, pid] : [pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  return found.map(({ pid }) => pid);
}
