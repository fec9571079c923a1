import { performance } from 'node:perf_hooks';
import { parseCondition } from '../spec/expression/parse-condition';
import { StepTypeRegistry } from '../step-type/step-type';
import { Semaphore } from '../schedule/semaphore';
import { ControlledStepType, ScriptedStepType } from '../testing/fake-step-types';
import { makeWorkflow } from '../testing/make-workflow';
import { waitFor } from '../testing/wait-for';
import type { ExecutionEvent, ExecutionLifeCycle } from './execution-events';
import { ParallelExecutor, executeWorkflow } from './parallel-executor';
import type { ExecuteOptions } from './parallel-executor.types';

/** Lets pending promise callbacks run. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Makes the executor's clock (`performance.now()`) the test's: it reads `ms` until set again. */
function manualClock(ms = 0) {
  const now = jest.spyOn(performance, 'now').mockImplementation(() => ms);
  return {
    set: (to: number) => void (ms = to),
    restore: () => now.mockRestore(),
  };
}

function recorder(): { events: ExecutionEvent[]; lifecycle: ExecutionLifeCycle } {
  const events: ExecutionEvent[] = [];
  const push = (event: ExecutionEvent) => events.push(event);
  return {
    events,
    lifecycle: {
      runStarted: push,
      stepStarted: push,
      attemptStarted: push,
      attemptFinished: push,
      stepFinished: push,
      runFinished: push,
    },
  };
}

function controlled(
  adjacency: Record<string, string[]>,
  options: Partial<ExecuteOptions> & { overrides?: Parameters<typeof makeWorkflow>[1]; fields?: Parameters<typeof makeWorkflow>[2] } = {},
) {
  const type = new ControlledStepType();
  const rec = recorder();
  const workflow = makeWorkflow(adjacency, options.overrides, options.fields);
  const run = executeWorkflow({ workflow, stepTypes: new StepTypeRegistry([type]), lifecycle: rec.lifecycle, ...options });
  return { type, run, events: rec.events };
}

function scripted(
  adjacency: Record<string, string[]>,
  overrides: Parameters<typeof makeWorkflow>[1] = {},
  fields: Parameters<typeof makeWorkflow>[2] = {},
  options: Partial<ExecuteOptions> = {},
) {
  const type = new ScriptedStepType();
  const rec = recorder();
  const run = executeWorkflow({
    workflow: makeWorkflow(adjacency, overrides, fields),
    stepTypes: new StepTypeRegistry([type]),
    lifecycle: rec.lifecycle,
    ...options,
  });
  return { type, run, events: rec.events };
}

describe('ParallelExecutor', () => {
  it('starts every root at once and a dependent only after all its dependencies finished', async () => {
    const { type, run } = controlled({ a: [], b: [], c: [], d: ['a', 'b', 'c'] });
    await type.waitForStarts(3);
    expect(type.running.sort()).toEqual(['a', 'b', 'c']);
    type.finish('a');
    type.finish('b');
    await flush();
    expect(type.running).not.toContain('d');
    type.finish('c');
    await type.waitForStarts(4);
    expect(type.running).toEqual(['d']);
    type.finish('d');
    const report = await run;
    expect(report.status).toBe('succeeded');
    expect(report.peakParallelism).toBe(3);
  });

  it('starts a ready step the moment its dependency ends, not when its level ends', async () => {
    // a → c; b is slow and on the same level as a: c must not wait for b.
    const { type, run } = controlled({ a: [], b: [], c: ['a'] });
    await type.waitForStarts(2);
    type.finish('a');
    await type.waitForStarts(3);
    expect(type.running.sort()).toEqual(['b', 'c']);
    type.finish('c');
    type.finish('b');
    expect((await run).status).toBe('succeeded');
  });

  it('never runs more than maxParallel steps at once', async () => {
    const adjacency = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`s${i}`, [] as string[]]));
    const { type, run } = scripted(adjacency, Object.fromEntries(Object.keys(adjacency).map((id) => [id, { config: { ms: 2 } }])), {
      maxParallel: 3,
    });
    const report = await run;
    expect(type.maxRunning).toBe(3);
    expect(report.peakParallelism).toBe(3);
    expect(Object.values(report.steps).every((s) => s.status === 'succeeded')).toBe(true);
  });

  it('respects a maxParallel override and rejects one out of range', async () => {
    const adjacency = { a: [], b: [], c: [] };
    const { type, run } = scripted(adjacency, {}, {}, { maxParallel: 1 });
    expect((await run).maxParallel).toBe(1);
    expect(type.maxRunning).toBe(1);
    expect(
      () => new ParallelExecutor({ workflow: makeWorkflow(adjacency), stepTypes: new StepTypeRegistry([type]), maxParallel: 9 }),
    ).toThrow('maxParallel must be an integer from 1 to 8, got 9');
  });

  it('counts a pool against its own limit without blocking steps outside it', async () => {
    const adjacency = { c1: [], c2: [], c3: [], io1: [], io2: [] };
    const cpu = { pool: 'cpu' };
    const { type, run } = controlled(adjacency, {
      overrides: { c1: cpu, c2: cpu, c3: cpu },
      fields: { pools: { cpu: 1 }, maxParallel: 4 },
    });
    await type.waitForStarts(3);
    expect(type.running.sort()).toEqual(['c1', 'io1', 'io2']);
    type.finish('c1');
    await type.waitForStarts(4);
    expect(type.running.filter((k) => k.startsWith('c'))).toEqual(['c2']);
    type.finish('c2');
    await type.waitForStarts(5);
    type.finish('c3');
    type.finish('io1');
    type.finish('io2');
    expect((await run).status).toBe('succeeded');
  });

  it('starts the step with the longest remaining critical path first, ties in declaration order', async () => {
    // short is declared first but long heads a chain of three.
    const { type, run } = controlled(
      { short: [], other: [], long: [], long2: ['long'], long3: ['long2'] },
      { fields: { maxParallel: 1 } },
    );
    for (let i = 1; i <= 5; i++) {
      await type.waitForStarts(i);
      type.finish(type.running[0]);
    }
    await run;
    // long (3 to go) and long2 (2) before the ties at 1, which keep declaration order.
    expect(type.started).toEqual(['long', 'long2', 'short', 'other', 'long3']);
  });

  it('uses injected duration estimates for priority', async () => {
    const { type, run } = controlled({ a: [], b: [] }, { fields: { maxParallel: 1 }, estimates: { a: 10, b: 5000 } });
    await type.waitForStarts(1);
    expect(type.started).toEqual(['b']);
    type.finish('b');
    await type.waitForStarts(2);
    type.finish('a');
    await run;
  });

  it('isolates a failure: dependents are skipped as upstream_failed, everything else finishes', async () => {
    const { type, run, events } = controlled({ a: [], b: ['a'], c: ['b'], x: [], y: ['x'] });
    await type.waitForStarts(2);
    type.fail('a', 3);
    type.finish('x');
    await type.waitForStarts(3);
    type.finish('y');
    const report = await run;
    expect(report.status).toBe('failed');
    expect(report.steps.a).toMatchObject({ status: 'failed', exitCode: 3, reason: 'exit_code' });
    expect(report.steps.b).toMatchObject({ status: 'skipped', reason: 'upstream_failed' });
    expect(report.steps.c).toMatchObject({ status: 'skipped', reason: 'upstream_skipped' });
    expect(report.steps.y.status).toBe('succeeded');
    expect(events.filter((e) => e.type === 'step.finished')).toHaveLength(5);
  });

  it('lets dependents run after a continueOnError failure and keeps the run succeeded', async () => {
    const { run } = scripted({ a: [], b: ['a'] }, { a: { continueOnError: true, config: { fail: true } } });
    const report = await run;
    expect(report.steps.a.status).toBe('failed');
    expect(report.steps.b.status).toBe('succeeded');
    expect(report.status).toBe('succeeded');
  });

  it('runs a recovery branch through if on status and skips a false condition', async () => {
    const { run } = scripted(
      { a: [], recover: ['a'], happy: ['a'] },
      {
        a: { config: { fail: true } },
        recover: { if: parseCondition("steps.a.status == 'failed'") },
        happy: { if: parseCondition("steps.a.status == 'succeeded'") },
      },
    );
    const report = await run;
    expect(report.steps.recover.status).toBe('succeeded');
    expect(report.steps.happy).toMatchObject({ status: 'skipped', reason: 'condition_false' });
  });

  it('fails a step whose condition cannot be evaluated', async () => {
    const { run } = scripted({ a: [], b: ['a'] }, { b: { if: parseCondition('steps.a.outputs.n > 1') }, a: { config: { outputs: { n: 'x' } } } });
    const report = await run;
    expect(report.steps.b).toMatchObject({ status: 'failed', reason: 'condition_error' });
  });

  it('leaves the code fields of a step type as written', async () => {
    const type = new ControlledStepType();
    Object.assign(type, { codeFields: ['run'] });
    const run = executeWorkflow({
      workflow: makeWorkflow({ a: [] }, { a: { config: { run: 'echo $${HOME}', args: ['$${x}'] } } }),
      stepTypes: new StepTypeRegistry([type]),
    });
    await type.waitForStarts(1);
    expect(type.contexts[0].config).toEqual({ run: 'echo $${HOME}', args: ['${x}'] });
    type.finish('a');
    await run;
  });

  it('passes resolved inputs, config and env to the step type', async () => {
    const { type, run } = controlled(
      { a: [], b: [] },
      {
        overrides: {
          b: {
            inputs: { user: '${steps.a.outputs.user}', text: 'hi ${steps.a.outputs.user.name}' },
            env: { MODE: '${steps.a.outputs.mode}', N: 3 },
            config: { args: ['${steps.a.outputs.mode}'] },
            needs: ['a'],
          },
        },
        fields: { env: { REGION: 'eu' } },
      },
    );
    await type.waitForStarts(1);
    type.finish('a', { ok: true, outputs: { user: { name: 'ada' }, mode: 'fast' } });
    await type.waitForStarts(2);
    const context = type.contexts[1];
    expect(context.inputs).toEqual({ user: { name: 'ada' }, text: 'hi ada' });
    expect(context.env).toEqual({ REGION: 'eu', MODE: 'fast', N: '3' });
    expect(context.config).toEqual({ args: ['fast'] });
    type.finish('b');
    await run;
  });

  it('fans a foreach step out into items that each take a slot, outputs in item order', async () => {
    const { type, run } = controlled(
      { list: [], each: ['list'] },
      { overrides: { each: { foreach: '${steps.list.outputs.items}', inputs: { x: '${item}' } } }, fields: { maxParallel: 2 } },
    );
    await type.waitForStarts(1);
    type.finish('list', { ok: true, outputs: { items: ['p', 'q', 'r'] } });
    await type.waitForStarts(3);
    expect(type.running.sort()).toEqual(['each[0]', 'each[1]']);
    expect(type.contexts[1].item).toEqual({ value: 'p', index: 0 });
    expect(type.contexts[1].inputs).toEqual({ x: 'p' });
    type.finish('each[1]', { ok: true, outputs: { v: 'Q' } });
    await type.waitForStarts(4);
    type.finish('each[2]', { ok: true, outputs: { v: 'R' } });
    type.finish('each[0]', { ok: true, outputs: { v: 'P' } });
    const report = await run;
    expect(report.steps.each.outputs).toEqual([{ v: 'P' }, { v: 'Q' }, { v: 'R' }]);
    expect(report.steps.each.items).toHaveLength(3);
    expect(report.steps.each.items![1]).toMatchObject({ index: 1, status: 'succeeded', attempts: 1 });
  });

  it('fails a foreach step when an item fails, and when foreach is not an array', async () => {
    const { run } = scripted(
      { bad: [], each: [] },
      { bad: { foreach: '${steps.each.outputs}', needs: ['each'] }, each: { foreach: [1, 2], config: { failAttempts: [1] } } },
    );
    const report = await run;
    expect(report.steps.each.status).toBe('failed');
    expect(report.steps.bad).toMatchObject({ status: 'skipped', reason: 'upstream_failed' });
    const second = await scripted({ a: [], b: ['a'] }, { b: { foreach: '${steps.a.outputs}' } }).run;
    expect(second.steps.b).toMatchObject({ status: 'failed', reason: 'invalid_foreach' });
    const empty = await scripted({ a: [] }, { a: { foreach: [] } }).run;
    expect(empty.steps.a).toMatchObject({ status: 'succeeded', outputs: [] });
  });

  it('retries a failed attempt with exponential backoff and reports the attempts', async () => {
    const { run, events } = scripted({ a: [] }, { a: { retries: 3, retryDelayMs: 5, config: { failAttempts: [1, 2] } } });
    const report = await run;
    expect(report.steps.a).toMatchObject({ status: 'succeeded', attempts: 3 });
    const finished = events.filter((e) => e.type === 'attempt.finished');
    expect(finished.map((e) => e.type === 'attempt.finished' && [e.ok, e.willRetry, e.retryInMs])).toEqual([
      [false, true, 5],
      [false, true, 10],
      [true, false, null],
    ]);
  });

  it('gives up after the last retry', async () => {
    const { run } = scripted({ a: [] }, { a: { retries: 1, retryDelayMs: 1, config: { fail: true } } });
    expect((await run).steps.a).toMatchObject({ status: 'failed', attempts: 2 });
  });

  it('times an attempt out through its signal and reports reason timeout', async () => {
    const { run } = scripted({ slow: [], other: [] }, { slow: { timeoutMs: 20, config: { ms: 10_000 } } });
    const report = await run;
    expect(report.steps.slow).toMatchObject({ status: 'failed', reason: 'timeout' });
    expect(report.steps.other.status).toBe('succeeded');
  });

  it('cancels on abort: running steps are aborted, the rest end cancelled', async () => {
    const controller = new AbortController();
    const { type, run } = controlled({ a: [], b: ['a'], c: [] }, { signal: controller.signal, fields: { maxParallel: 1 } });
    await type.waitForStarts(1);
    controller.abort();
    const report = await run;
    expect(report.status).toBe('cancelled');
    expect(Object.values(report.steps).map((s) => s.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
  });

  it('honours a signal aborted before the run starts', async () => {
    const { type, run } = controlled({ a: [] }, { signal: AbortSignal.abort() });
    const report = await run;
    expect(report.status).toBe('cancelled');
    expect(type.started).toEqual([]);
  });

  it('cancels the rest at the first failure with failFast', async () => {
    const { type, run } = controlled({ a: [], b: [], c: ['b'], d: [] }, { fields: { failFast: true, maxParallel: 2 } });
    await type.waitForStarts(2);
    type.fail(type.running[0]);
    const report = await run;
    expect(report.status).toBe('failed');
    const statuses = Object.values(report.steps).map((s) => s.status);
    expect(statuses.filter((s) => s === 'failed')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'cancelled')).toHaveLength(3);
  });

  it('cancels retries waiting for their backoff', async () => {
    const controller = new AbortController();
    const { run, events } = scripted({ a: [] }, { a: { retries: 5, retryDelayMs: 60_000, config: { fail: true } } }, {}, { signal: controller.signal });
    await waitFor('the first attempt to fail', () => events.some((e) => e.type === 'attempt.finished'));
    controller.abort();
    expect((await run).steps.a).toMatchObject({ status: 'cancelled', reason: 'cancelled' });
  });

  it('reuses a succeeded step whose hash is unchanged (retry from failure)', async () => {
    const first = scripted({ a: [], b: ['a'] }, { a: { config: { outputs: { n: 1 } } }, b: { config: { fail: true } } });
    await first.run;
    const hashes = Object.fromEntries(
      first.events.flatMap((e) => (e.type === 'step.finished' ? [[e.stepId, e.hash!]] : [])),
    );
    const second = scripted(
      { a: [], b: ['a'] },
      { a: { config: { outputs: { n: 1 } } } },
      {},
      { reuse: { a: { hash: hashes.a, outputs: { n: 1 } }, b: { hash: 'stale', outputs: {} } }, retryOf: 'run-1' },
    );
    const report = await second.run;
    // b became ready while the roots were being examined: it still runs exactly once.
    expect(second.events.filter((e) => e.type === 'attempt.started').map((e) => e.type === 'attempt.started' && e.stepId)).toEqual(['b']);
    expect(report.retryOf).toBe('run-1');
    expect(report.steps.a).toMatchObject({ status: 'succeeded', reused: true, outputs: { n: 1 } });
    expect(report.steps.b).toMatchObject({ status: 'succeeded', reused: false });
  });

  it("keeps what a step type streams as the step's log when it returns none", async () => {
    const stepTypes = new StepTypeRegistry([
      {
        name: 'fake',
        description: '',
        configSchema: new ScriptedStepType().configSchema,
        run: async (context) => {
          context.log('hello ');
          context.log('world\n');
          return { ok: true };
        },
      },
    ]);
    const rec = recorder();
    const logs: string[] = [];
    await executeWorkflow({
      workflow: makeWorkflow({ a: [] }),
      stepTypes,
      lifecycle: [rec.lifecycle, { stepLog: (e) => logs.push(e.chunk) }],
    });
    expect(logs).toEqual(['hello ', 'world\n']);
    const finished = rec.events.find((e) => e.type === 'step.finished');
    expect(finished?.type === 'step.finished' && finished.log).toBe('hello world\n');
  });

  it('emits events in order with the number of processes running and a lane', async () => {
    const { type, run, events } = controlled({ a: [], b: [] });
    await type.waitForStarts(2);
    type.finish('a');
    type.finish('b');
    await run;
    const kinds = events.map((e) => e.type);
    expect(kinds[0]).toBe('run.started');
    expect(kinds[kinds.length - 1]).toBe('run.finished');
    const started = events.filter((e) => e.type === 'step.started');
    expect(started.map((e) => e.running)).toEqual([1, 2]);
    expect(started.map((e) => e.type === 'step.started' && e.lane).sort()).toEqual([0, 1]);
  });

  it('waits for a shared process slot and counts it across runs', async () => {
    const slots = new Semaphore(1);
    const type = new ScriptedStepType();
    const stepTypes = new StepTypeRegistry([type]);
    const overrides = { a: { config: { ms: 5 } }, b: { config: { ms: 5 } } };
    const [one, two] = await Promise.all([
      executeWorkflow({ workflow: makeWorkflow({ a: [], b: [] }, overrides), stepTypes, processSlots: slots }),
      executeWorkflow({ workflow: makeWorkflow({ a: [], b: [] }, overrides), stepTypes, processSlots: slots }),
    ]);
    expect(type.maxRunning).toBe(1);
    expect([one.status, two.status]).toEqual(['succeeded', 'succeeded']);
  });

  it('fails an attempt whose step type throws, and keeps going', async () => {
    const stepTypes = new StepTypeRegistry([
      { name: 'fake', description: '', configSchema: new ScriptedStepType().configSchema, run: () => Promise.reject(new Error('boom')) },
    ]);
    const report = await executeWorkflow({ workflow: makeWorkflow({ a: [] }), stepTypes });
    expect(report.steps.a).toMatchObject({ status: 'failed', reason: 'error' });
    expect(report.steps.a.message).toContain('boom');
  });

  it('rejects an unknown step type and a cyclic workflow before running anything', () => {
    const stepTypes = new StepTypeRegistry([new ScriptedStepType()]);
    expect(() => new ParallelExecutor({ workflow: makeWorkflow({ a: [] }, { a: { type: 'nope' } }), stepTypes })).toThrow(
      "unknown step type 'nope'; registered types: fake",
    );
    expect(() => new ParallelExecutor({ workflow: makeWorkflow({ a: ['b'], b: ['a'] }), stepTypes })).toThrow('cycle: a → b → a');
  });

  it('keeps running when an observer throws', async () => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const report = await executeWorkflow({
      workflow: makeWorkflow({ a: [] }),
      stepTypes: new StepTypeRegistry([new ScriptedStepType()]),
      lifecycle: { stepStarted: () => { throw new Error('bad observer'); } },
    });
    expect(report.status).toBe('succeeded');
    expect(write).toHaveBeenCalledWith(expect.stringContaining('bad observer'));
    write.mockRestore();
  });

  it('reports speedup as sequential over makespan, from the times its steps took', async () => {
    // a, b and c start together at 0 and end at 300, 100 and 200; d needs all three, so it starts at
    // 300 and ends at 400: 700 ms of work in 400 ms.
    const clock = manualClock();
    try {
      const { type, run, events } = controlled({ a: [], b: [], c: [], d: ['a', 'b', 'c'] });
      await type.waitForStarts(3);
      for (const [at, id] of [[100, 'b'], [200, 'c'], [300, 'a']] as const) {
        clock.set(at);
        type.finish(id);
        await waitFor(`${id} to finish`, () => events.some((e) => e.type === 'attempt.finished' && e.stepId === id));
      }
      await type.waitForStarts(4);
      clock.set(400);
      type.finish('d');
      const report = await run;
      expect(report).toMatchObject({ makespanMs: 400, sequentialMs: 700, speedup: 1.75, idealSpeedup: 1.75, criticalPath: ['a', 'd'] });
      expect(Object.values(report.steps).map((step) => step.durationMs)).toEqual([300, 100, 200, 100]);
    } finally {
      clock.restore();
    }
  });
});
