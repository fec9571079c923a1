import type { RunReport, StepReport } from '@weft/core';
import { palette } from './format';
import { ProgressLifeCycle } from './progress.life-cycle';
import { formatSummary, logTail } from './summary';

const T0 = Date.parse('2026-11-26T10:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
const base = { runId: 'r1' };

function sink() {
  const out = { text: '', rows: 40, columns: 100, write: (chunk: string) => ((out.text += chunk), true) };
  return out;
}

function step(fields: Partial<StepReport>): StepReport {
  return {
    status: 'succeeded',
    startedAt: at(0),
    finishedAt: at(2000),
    durationMs: 2000,
    exitCode: 0,
    signal: null,
    attempts: 1,
    outputs: {},
    reason: null,
    message: null,
    lane: 0,
    reused: false,
    worker: null,
    ...fields,
  };
}

function drive(progress: ProgressLifeCycle) {
  progress.runStarted({
    ...base,
    type: 'run.started',
    timestamp: at(0),
    running: 0,
    workflow: 'report',
    maxParallel: 4,
    plan: { steps: ['a', 'b', 'c'], edges: [], levels: [['a', 'b', 'c']], criticalPath: ['a'], idealSpeedup: 3 },
    steps: ['a', 'b', 'c'].map((id) => ({ id, type: 'shell', needs: [] })),
  });
  ['a', 'b', 'c'].forEach((id, i) =>
    progress.stepStarted({ ...base, type: 'step.started', timestamp: at(0), running: i + 1, stepId: id, lane: i }),
  );
}

describe('ProgressLifeCycle', () => {
  afterEach(() => jest.useRealTimers());

  it('redraws a live view with each step and the number running in parallel', () => {
    jest.useFakeTimers({ now: T0 + 1500 });
    const out = sink();
    const progress = new ProgressLifeCycle({ out, colors: palette(false), live: true, intervalMs: 100 });
    drive(progress);
    progress.attemptStarted({ ...base, type: 'attempt.started', timestamp: at(0), running: 4, stepId: 'c', attempt: 1, item: 0, lane: 3, worker: null });
    jest.advanceTimersByTime(100);
    expect(out.text).toContain('1.60 s');
    expect(out.text).toContain('items: 1 running, 0 done');
    expect(out.text).toContain('4 steps running in parallel · peak 4');
    expect(out.text).toMatch(/▶ a\s+running/);
    progress.stepFinished({ ...base, type: 'step.finished', timestamp: at(2000), running: 2, stepId: 'a', result: step({}), log: 'done\n', hash: null });
    progress.runFinished({ ...base, type: 'run.finished', timestamp: at(2000), running: 0, status: 'succeeded', report: {} as RunReport });
    expect(out.text).toContain('\x1b[');
    expect(out.text).toMatch(/✔ a\s+succeeded/);
    expect(progress.logs.get('a')).toBe('done\n');
  });

  it('writes a line per event when not on a terminal, with retries and step output', () => {
    const out = sink();
    const progress = new ProgressLifeCycle({ out, colors: palette(false), live: false, verbose: true });
    drive(progress);
    progress.attemptFinished({
      ...base,
      type: 'attempt.finished',
      timestamp: at(500),
      running: 3,
      stepId: 'b',
      attempt: 1,
      item: null,
      lane: 1,
      worker: null,
      startedAt: at(0),
      durationMs: 500,
      ok: false,
      exitCode: 1,
      signal: null,
      reason: 'exit_code',
      message: 'exited with code 1',
      outputs: null,
      willRetry: true,
      retryInMs: 1000,
    });
    progress.stepLog({ ...base, type: 'step.log', timestamp: at(600), running: 3, stepId: 'c', item: 2, chunk: 'hello\nworld\n' });
    expect(out.text).toContain('[   0.00s] ▶ c started · 3 steps running in parallel');
    expect(out.text).toContain('↻ b attempt 1 failed (exited with code 1) · retrying in 1.00 s');
    expect(out.text).toContain('[c#2] hello\n[c#2] world');
    expect(out.text).not.toContain('\x1b[');
  });
});

describe('formatSummary', () => {
  const report: RunReport = {
    runId: 'r1',
    workflow: 'report',
    status: 'failed',
    maxParallel: 4,
    startedAt: at(0),
    finishedAt: at(4000),
    makespanMs: 4000,
    sequentialMs: 8000,
    speedup: 2,
    idealSpeedup: 2,
    peakParallelism: 3,
    criticalPath: ['a', 'd'],
    retryOf: null,
    steps: {
      a: step({}),
      b: step({ status: 'failed', exitCode: 2, reason: 'exit_code', message: 'exited with code 2' }),
      c: step({ status: 'skipped', startedAt: null, durationMs: null, reason: 'upstream_failed', message: "'b' failed" }),
      d: step({ reused: true, durationMs: 0 }),
    },
  };

  it('says how much faster the run was, with the ideal, the peak and the critical path', () => {
    const text = formatSummary(report, palette(false), new Map([['b', 'line 1\nboom\n']]));
    expect(text).toContain('✖ report failed in 4.00 s');
    expect(text).toContain('2.0x faster than one step at a time (8.00 s sequential → 4.00 s)');
    expect(text).toContain('ideal speedup 2.0x · peak 3 steps in parallel (maxParallel 4)');
    expect(text).toContain('critical path: a → d');
    expect(text).toContain('│ boom');
    expect(text).toMatch(/c\s+↷ skipped\s+upstream_failed: 'b' failed/);
    expect(text).toContain('reused');
    expect(text).toContain('1 step failed, 1 step skipped; every independent step ran.');
  });

  it('does not claim every independent step ran when failFast cancelled some', () => {
    const failFast: RunReport = {
      ...report,
      steps: { ...report.steps, e: step({ status: 'cancelled', reason: 'cancelled', message: 'failFast: b failed' }) },
    };
    const text = formatSummary(failFast, palette(false));
    expect(text).toContain('1 step failed, 1 step skipped, 1 step cancelled (by failFast, or a stop).');
    expect(text).not.toContain('every independent step ran');
  });

  it("keeps a Node error's message in the failure excerpt, folding its stack frames", () => {
    const frames = Array.from({ length: 10 }, (_, i) => `    at frame${i} (node:internal/x:${i}:1)`);
    const log = ['/tmp/w/step.js:1', 'throw new Error("boom: config missing")', '^', '', 'Error: boom: config missing', ...frames, '', 'Node.js v20.20.2', ''].join('\n');
    expect(logTail(log)).toEqual([
      '/tmp/w/step.js:1',
      'throw new Error("boom: config missing")',
      '^',
      'Error: boom: config missing',
      '    at frame0 (node:internal/x:0:1)',
      '    … 9 more frames',
      'Node.js v20.20.2',
    ]);
    expect(logTail('a\nb\nc', 2)).toEqual(['b', 'c']);
  });
});
