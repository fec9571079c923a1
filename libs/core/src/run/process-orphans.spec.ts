import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { findStepProcesses, killOrphanedStepProcesses } from './process-orphans';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const state = readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]?.[0];
    return state !== 'Z';
  } catch {
    return false;
  }
}

/** A detached step-like process group: a shell and its child sleeper, carrying WEFT_RUN_ID. */
function orphan(runId: string): number {
  const child = spawn('sh', ['-c', 'sleep 30 & wait'], {
    detached: true,
    stdio: 'ignore',
    env: { PATH: process.env.PATH, WEFT_RUN_ID: runId, WEFT_STEP_ID: 'long' },
  });
  child.unref();
  return child.pid!;
}

describe('killOrphanedStepProcesses', () => {
  it("kills the process groups of the given runs' steps, and nothing else", async () => {
    const mine = orphan('run-dead');
    const other = orphan('run-alive');
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const found = findStepProcesses(['run-dead']);
      expect(found.map((p) => p.pid)).toContain(mine);
      expect(found.every((p) => p.runId === 'run-dead' && p.pgid === mine)).toBe(true);
      expect(killOrphanedStepProcesses(['run-dead'])).toContain(mine);
      for (let i = 0; i < 50 && alive(mine); i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(alive(mine)).toBe(false);
      expect(findStepProcesses(['run-dead'])).toEqual([]);
      expect(alive(other)).toBe(true);
    } finally {
      for (const pid of [mine, other]) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
  });

  it('finds nothing for no runs or without a process table', () => {
    expect(killOrphanedStepProcesses([])).toEqual([]);
    expect(findStepProcesses(['x'], '/nonexistent-proc')).toEqual([]);
  });
});
