import { initialRunState, pendingStep, reduceRunEvents, type RunState, type StepState } from '@weft/viz';
import type { WorkerInfo } from '@weft/viz';
import { missingWorkerNotices, waitsForLabels, whereStepRan } from './run-workers';

const worker = (id: string, labels: string[]): WorkerInfo => ({
  id,
  labels,
  concurrency: 2,
  running: 0,
  startedAt: '2026-12-02T10:00:00.000Z',
  lastSeenAt: '2026-12-02T10:00:00.000Z',
});

/** The labels the steps ask for, as `run.started` gives them: `a` on linux, `train` and `render` on gpu, `plain` anywhere. */
const runsOn: Record<string, string | null> = { a: 'linux', train: 'gpu', render: 'gpu', plain: null };

/** A running run of steps `a` (running), `train`, `render` and `plain` (pending). */
function runningState(steps: Partial<Record<string, Partial<StepState>>> = {}): RunState {
  const order = Object.keys(runsOn);
  const status = (id: string) => (id === 'a' ? 'running' : 'pending');
  return {
    ...initialRunState(),
    status: 'running',
    order,
    steps: Object.fromEntries(
      order.map((id) => [id, { ...pendingStep(id, [], 'shell', runsOn[id] ?? null), status: status(id), ...steps[id] } as StepState]),
    ),
  };
}

describe('missingWorkerNotices', () => {
  it('names every pending step whose label no connected worker has', () => {
    const notices = missingWorkerNotices(runningState(), { dispatcher: 'queue', workers: [worker('b1', ['linux'])] });
    expect(notices).toEqual([
      { stepId: 'train', label: 'gpu' },
      { stepId: 'render', label: 'gpu' },
    ]);
  });

  it('says nothing once a worker with the label is connected, or a step left pending', () => {
    const withGpu = { dispatcher: 'queue' as const, workers: [worker('g1', ['gpu', 'linux'])] };
    expect(missingWorkerNotices(runningState(), withGpu)).toEqual([]);
    const none = { dispatcher: 'queue' as const, workers: [] };
    expect(missingWorkerNotices(runningState({ train: { status: 'running' } }), none).map((n) => n.stepId)).toEqual(['render']);
  });

  it('says nothing without a queue (the server runs every step) or before the list arrived', () => {
    expect(missingWorkerNotices(runningState(), { dispatcher: 'local', workers: [] })).toEqual([]);
    expect(missingWorkerNotices(runningState(), null)).toEqual([]);
  });

  it('reads the labels run.started gave the run state', () => {
    const state = reduceRunEvents(initialRunState(), {
      type: 'run.started',
      runId: 'r1',
      timestamp: '2026-12-02T10:00:00.000Z',
      running: 0,
      workflow: 'w',
      maxParallel: 2,
      plan: { steps: ['prep', 'train'], edges: [], levels: [['prep', 'train']], criticalPath: ['prep'], idealSpeedup: 2 },
      steps: [
        { id: 'prep', type: 'shell', needs: [] },
        { id: 'train', type: 'python', needs: [], runsOn: 'gpu' },
      ],
    });
    expect(waitsForLabels(state)).toBe(true);
    expect(missingWorkerNotices(state, { dispatcher: 'queue', workers: [worker('b1', ['linux'])] })).toEqual([{ stepId: 'train', label: 'gpu' }]);
  });
});

describe('waitsForLabels', () => {
  it('is true only while a pending step of a running run asks for a label', () => {
    expect(waitsForLabels(runningState())).toBe(true);
    const started = { status: 'running' as const };
    expect(waitsForLabels(runningState({ train: started, render: started }))).toBe(false);
    expect(waitsForLabels(runningState({ train: { runsOn: null }, render: { runsOn: null } }))).toBe(false);
    expect(waitsForLabels({ ...runningState(), status: 'succeeded' })).toBe(false);
  });
});

describe('whereStepRan', () => {
  const attempt = (worker: string | null, n: number) => ({
    stepId: 'a', attempt: n, item: null, lane: 0, startMs: n, endMs: n + 1, ok: true, reason: null, message: null, willRetry: false, worker,
  });

  it('names the workers of its attempts, and the server for local ones', () => {
    expect(whereStepRan({ ...runningState(), attempts: [attempt('b1', 1)] }, 'a')).toBe('on worker b1');
    expect(whereStepRan({ ...runningState(), attempts: [attempt('b1', 1), attempt('g1', 2)] }, 'a')).toBe('on workers b1, g1');
    expect(whereStepRan({ ...runningState(), attempts: [attempt(null, 1), attempt('g1', 2)] }, 'a')).toBe('on worker g1 and the server');
    expect(whereStepRan({ ...runningState(), attempts: [attempt(null, 1)] }, 'a')).toBe('on the server');
  });

  it('says nothing of a step that has not started', () => {
    expect(whereStepRan(runningState(), 'train')).toBeNull();
  });
});
