import { spawnSync } from 'node:child_process';
import { sendSignal } from './send-signal';

describe('sendSignal', () => {
  it('returns null when the signal was sent', () => {
    expect(sendSignal(process.pid, 0)).toBe(null);
  });

  it('returns ESRCH for a process that is gone, without throwing and without touching the stack trace limit', () => {
    const gone = Number(spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' }).stdout.trim());
    const limit = Error.stackTraceLimit;
    expect(sendSignal(gone, 'SIGKILL')).toBe('ESRCH');
    expect(sendSignal(-gone, 'SIGKILL')).toBe('ESRCH');
    expect(Error.stackTraceLimit).toBe(limit);
  });
});
