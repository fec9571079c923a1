import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { waitFor } from '../testing/wait-for';
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
      // Each group is a shell and its sleeper once both have exec'd with the run's environment.
      const group = (runId: string) => {
        const found = findStepProcesses([runId]);
        return found.length === 2 && found;
      };
      const found = await waitFor('both groups to be in the process table', () => group('run-alive') && group('run-dead'));
      expect(found.map((p) => p.pid)).toContain(mine);
      expect(found.map(({ pgid, runId }) => ({ pgid, runId }))).toEqual([
        { pgid: mine, runId: 'run-dead' },
        { pgid: mine, runId: 'run-dead' },
      ]);
      expect(killOrphanedStepProcesses(['run-dead']).sort()).toEqual(found.map((p) => p.pid).sort());
      await waitFor('the group of run-dead to be gone', () => {
        expect(alive(mine)).toBe(false);
        expect(findStepProcesses(['run-dead'])).toEqual([]);
      });
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
