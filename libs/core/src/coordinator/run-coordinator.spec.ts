import { DependencyGraphAnalyzer } from '../graph/dependency-graph-analyzer';
import { DEFAULT_STEP_LIMITS } from '../step-type/step-type';
import { CoordinatorHarness, T0, eventLine } from '../testing/coordinator-harness';
import { makeWorkflow } from '../testing/make-workflow';
import { RunCoordinator } from './run-coordinator';

const ids = (h: CoordinatorHarness) => h.jobs.map((job) => job.id);

describe('RunCoordinator', () => {
  describe('readiness', () => {
    it('dispatches every root at start and a dependent only once all its dependencies finished', () => {
      const h = new CoordinatorHarness({ a: [], b: [], c: [], d: ['a', 'b', 'c'] });
      h.start();
      expect(ids(h)).toEqual(['a#1', 'b#1', 'c#1']);
      h.finish('a#1');
      h.finish('b#1');
      expect(ids(h)).not.toContain('d#1');
      h.finish('c#1');
      expect(h.inFlight).toEqual(['d#1']);
    });

    it('dispatches a dependent the moment its dependency ends, not when its level ends', () => {
      const h = new CoordinatorHarness({ a: [], b: [], c: ['a'] });
      h.start();
      expect(h.finish('a#1').flatMap((e) => (e.type === 'dispatch' ? [e.job.id] : []))).toEqual(['c#1']);
      expect(h.inFlight).toEqual(['b#1', 'c#1']);
    });

    it('keeps declaration order among steps of equal priority', () => {
      const h = new CoordinatorHarness({ z: [], y: [], x: [] }, { fields: { maxParallel: 1 } });
      h.start();
      h.finish('z#1');
      h.finish('y#1');
      expect(ids(h)).toEqual(['z#1', 'y#1', 'x#1']);
    });

    it('starts the step with the longest remaining critical path first', () => {
      const h = new CoordinatorHarness({ short: [], other: [], long: [], long2: ['long'], long3: ['long2'] }, { fields: { maxParallel: 1 } });
      h.start();
      for (let i = 0; i < 5; i++) h.finish(h.inFlight[0]);
      expect(ids(h)).toEqual(['long#1', 'long2#1', 'short#1', 'other#1', 'long3#1']);
    });

    it('weighs the critical path with duration estimates', () => {
      const h = new CoordinatorHarness({ a: [], b: [] }, { fields: { maxParallel: 1 }, estimates: { a: 10, b: 5000 } });
      h.start();
      expect(h.inFlight).toEqual(['b#1']);
    });
  });

  describe('limits', () => {
    it('never has more than maxParallel attempts in flight, and fills a freed slot at once', () => {
      const h = new CoordinatorHarness({ a: [], b: [], c: [], d: [], e: [] }, { fields: { maxParallel: 2 } });
      h.start();
      expect(h.inFlight).toEqual(['a#1', 'b#1']);
      h.finish('b#1');
      expect(h.inFlight).toEqual(['a#1', 'c#1']);
      expect(h.coordinator.running).toBe(2);
    });

    it('honours the maxParallel option over the workflow', () => {
      const h = new CoordinatorHarness({ a: [], b: [] }, { options: { maxParallel: 1 } });
      h.start();
      expect(h.inFlight).toEqual(['a#1']);
      expect(h.events[0]).toMatchObject({ type: 'run.started', maxParallel: 1 });
    });

    it('counts a pool against its own limit without blocking steps outside it', () => {
      const cpu = { pool: 'cpu' };
      const h = new CoordinatorHarness(
        { c1: [], c2: [], c3: [], io1: [], io2: [] },
        { overrides: { c1: cpu, c2: cpu, c3: cpu }, fields: { pools: { cpu: 1 }, maxParallel: 4 } },
      );
      h.start();
      expect(h.inFlight).toEqual(['c1#1', 'io1#1', 'io2#1']);
      h.finish('c1#1');
      expect(h.inFlight).toEqual(['io1#1', 'io2#1', 'c2#1']);
    });

    it('gives each attempt in flight its own lane and reuses the lowest free one', () => {
      const h = new CoordinatorHarness({ a: [], b: [], c: [] }, { fields: { maxParallel: 2 } });
      h.start();
      h.finish('a#1');
      expect(h.jobs.map((job) => [job.id, job.lane])).toEqual([['a#1', 0], ['b#1', 1], ['c#1', 0]]);
    });
  });

  describe('events', () => {
    it('emits the run, step and attempt events in order with running counts, lanes and message times', () => {
      const h = new CoordinatorHarness({ a: [], b: ['a'] });
      h.start();
      h.advance(250);
      h.finish('a#1', { ok: true, outputs: { n: 1 } });
      h.advance(100);
      h.finish('b#1');
      expect(h.events.map(eventLine)).toEqual([
        'run.started',
        'step.started a',
        'attempt.started a#1',
        'attempt.finished a#1',
        'step.finished a',
        'step.started b',
        'attempt.started b#1',
        'attempt.finished b#1',
        'step.finished b',
        'run.finished',
      ]);
      expect(h.events.map((e) => e.running)).toEqual([0, 1, 1, 0, 0, 1, 1, 0, 0, 0]);
      const finishedA = h.events[3];
      expect(finishedA).toMatchObject({ type: 'attempt.finished', lane: 0, durationMs: 250, ok: true, willRetry: false, retryInMs: null });
      expect(finishedA.timestamp).toBe(new Date(T0 + 250).toISOString());
      expect(h.report).toMatchObject({ status: 'succeeded', makespanMs: 350, peakParallelism: 1, sequentialMs: 350, runId: 'run-1' });
      expect(h.report!.steps.a).toMatchObject({ status: 'succeeded', outputs: { n: 1 }, durationMs: 250, lane: 0, attempts: 1 });
    });

    it('describes the run in run.started: plan, steps with their dependencies', () => {
      const h = new CoordinatorHarness({ a: [], b: ['a'] });
      h.start();
      expect(h.events[0]).toMatchObject({
        type: 'run.started',
        workflow: 'test',
        steps: [
          { id: 'a', type: 'fake', needs: [] },
          { id: 'b', type: 'fake', needs: ['a'] },
        ],
      });
    });

    it('counts peak parallelism from attempts that started, not dispatched', () => {
      const h = new CoordinatorHarness({ a: [], b: [] }, { autoStart: false });
      h.start();
      h.started('a#1');
      h.finish('a#1');
      h.started('b#1');
      h.finish('b#1');
      expect(h.report!.peakParallelism).toBe(1);
    });

    it('emits nothing for an attempt that ended before it got a process slot', () => {
      const h = new CoordinatorHarness({ a: [] }, { autoStart: false });
      h.start();
      h.finish('a#1', { ok: false, reason: 'error', message: 'the slot pool failed' });
      expect(h.events.map(eventLine)).toEqual(['run.started', 'step.finished a', 'run.finished']);
      expect(h.report!.steps.a).toMatchObject({ status: 'failed', reason: 'error', startedAt: null, durationMs: null });
    });

    it('ignores messages about attempts it does not know, and a second start is an error', () => {
      const h = new CoordinatorHarness({ a: [] });
      h.start();
      expect(h.finish('nope#1')).toEqual([]);
      expect(h.started('nope#1')).toEqual([]);
      expect(h.send({ type: 'retry.due', timer: 'retry:nope' })).toEqual([]);
      expect(h.send({ type: 'attempt.timeout', attempt: 'nope#1' })).toEqual([]);
      expect(() => h.start()).toThrow('run run-1 was already started');
      h.finish('a#1');
      expect(h.cancel()).toEqual([]);
      expect(h.coordinator.finished).toBe(true);
    });
  });

  describe('attempt jobs', () => {
    it('resolves inputs, config and env against the outputs so far, code fields as written', () => {
      const h = new CoordinatorHarness(
        { a: [], b: ['a'] },
        {
          overrides: {
            b: {
              inputs: { user: '${steps.a.outputs.user}', text: 'hi ${steps.a.outputs.user.name}' },
              env: { MODE: '${steps.a.outputs.mode}', N: 3, NONE: null },
              config: { args: ['${steps.a.outputs.mode}'], run: 'echo ${steps.a.outputs.mode}' },
              resourceLimits: { cpuSeconds: 5 },
              timeoutMs: 2500,
              runsOn: 'gpu',
            },
          },
          fields: { env: { REGION: 'eu' }, rootDir: '/srv/flows/demo' },
          options: { stepTypes: new Map([['fake', { codeFields: ['run'] }]]) },
        },
      );
      h.start();
      h.finish('a#1', { ok: true, outputs: { user: { name: 'ada' }, mode: 'fast' } });
      expect(h.jobs[1]).toEqual({
        id: 'b#1',
        runId: 'run-1',
        stepId: 'b',
        type: 'fake',
        attempt: 1,
        item: null,
        lane: 0,
        config: { args: ['fast'], run: 'echo ${steps.a.outputs.mode}' },
        inputs: { user: { name: 'ada' }, text: 'hi ada' },
        env: { REGION: 'eu', MODE: 'fast', N: '3', NONE: '' },
        workdir: '/srv/flows/demo',
        limits: DEFAULT_STEP_LIMITS,
        timeoutMs: 2500,
        logHeader: null,
        resourceLimits: { cpuSeconds: 5 },
        priority: 1,
        runsOn: 'gpu',
      });
      expect(JSON.parse(JSON.stringify(h.jobs[1]))).toEqual(h.jobs[1]);
    });

    it('heads the log of a foreach item or a retry', () => {
      const h = new CoordinatorHarness({ a: [] }, { overrides: { a: { foreach: ['x', 'y'], retries: 1 } } });
      h.start();
      h.fail('a[1]#1');
      h.advance(0);
      expect(h.jobs.map((job) => job.logHeader)).toEqual([
        '--- weft: item 0, attempt 1 ---\n',
        '--- weft: item 1, attempt 1 ---\n',
        '--- weft: item 1, attempt 2 ---\n',
      ]);
    });
  });

  it('takes its limits from the workflow when no override is given', () => {
    const workflow = makeWorkflow({ a: [] }, {}, { maxParallel: 3 });
    const coordinator = new RunCoordinator({ runId: 'r', workflow, analysis: new DependencyGraphAnalyzer().analyze(workflow) });
    const [started] = coordinator.handle({ type: 'start', at: T0 });
    expect(started).toMatchObject({ type: 'emit', event: { type: 'run.started', maxParallel: 3 } });
  });
});
