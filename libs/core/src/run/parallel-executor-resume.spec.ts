import type { AttemptJob } from '../coordinator/coordinator.effects';
import { StepTypeRegistry } from '../step-type/step-type';
import { ControlledStepType } from '../testing/fake-step-types';
import { makeWorkflow } from '../testing/make-workflow';
import type { ExecutionEvent, ExecutionLifeCycle } from './execution-events';
import { LocalDispatcher } from './local.dispatcher';
import { ParallelExecutor, RunReleasedError } from './parallel-executor';
import type { AttemptIO, StepDispatcher } from './parallel-executor.types';

function recorder(): { events: ExecutionEvent[]; lifecycle: ExecutionLifeCycle } {
  const events: ExecutionEvent[] = [];
  const push = (event: ExecutionEvent) => events.push(event);
  return {
    events,
    lifecycle: { runStarted: push, stepStarted: push, attemptStarted: push, attemptFinished: push, stepFinished: push, stepLog: push, runFinished: push },
  };
}

const lines = (events: ExecutionEvent[]) =>
  events
    .filter((e) => e.type !== 'step.log')
    .map((e) => ('stepId' in e ? `${e.type} ${e.stepId}${'attempt' in e ? `#${e.attempt}` : ''}` : e.type));

describe('ParallelExecutor release and resume', () => {
  const workflow = makeWorkflow({ a: [], b: ['a'], c: ['b'] });

  it('lets go of a run without ending it, and a second executor finishes it from the log without running a finished step again', async () => {
    const type = new ControlledStepType();
    const first = recorder();
    const owner = new ParallelExecutor({ workflow, runId: 'r1', stepTypes: new StepTypeRegistry([type]), lifecycle: first.lifecycle });
    const run = owner.execute();
    await type.waitForStarts(1);
    type.finish('a', { ok: true, outputs: { n: 1 } });
    await type.waitForStarts(2);
    const b = type.contexts[1];

    await owner.release();
    await expect(run).rejects.toBeInstanceOf(RunReleasedError);
    expect(b.signal.aborted).toBe(true);
    expect(lines(first.events)).toEqual(['run.started', 'step.started a', 'attempt.started a#1', 'attempt.finished a#1', 'step.finished a', 'step.started b', 'attempt.started b#1']);

    const second = recorder();
    const heir = new ParallelExecutor({ workflow, runId: 'r1', stepTypes: new StepTypeRegistry([type]), lifecycle: second.lifecycle, resume: first.events });
    const resumed = heir.execute();
    await type.waitForStarts(3);
    expect(type.contexts[2]).toMatchObject({ stepId: 'b', attempt: 2, inputs: {} });
    type.finish('b');
    await type.waitForStarts(4);
    type.finish('c');
    const report = await resumed;

    expect(type.started).toEqual(['a', 'b', 'b', 'c']);
    expect(lines(second.events)).toEqual([
      'attempt.finished b#1',
      'attempt.started b#2',
      'attempt.finished b#2',
      'step.finished b',
      'step.started c',
      'attempt.started c#1',
      'attempt.finished c#1',
      'step.finished c',
      'run.finished',
    ]);
    expect(second.events.find((e) => e.type === 'attempt.finished')).toMatchObject({ reason: 'server_lost' });
    expect(report).toMatchObject({ runId: 'r1', status: 'succeeded' });
    expect(report.steps.a).toMatchObject({ attempts: 1, outputs: { n: 1 } });
    expect(report.steps.b).toMatchObject({ attempts: 2, status: 'succeeded' });
  });

  it('sends every attempt to the dispatcher as plain JSON, and starts it only when the dispatcher says so', async () => {
    const jobs: AttemptJob[] = [];
    const waiting: { job: AttemptJob; io: AttemptIO; resolve: (ok: boolean) => void }[] = [];
    const dispatcher: StepDispatcher = {
      dispatch: (job, io) =>
        new Promise((resolve) => {
          jobs.push(job);
          waiting.push({ job, io, resolve: (ok) => resolve(ok ? { ok: true, outputs: { from: job.stepId } } : { ok: false, reason: 'exit_code', exitCode: 3 }) });
        }),
    };
    const rec = recorder();
    const run = new ParallelExecutor({
      workflow: makeWorkflow({ a: [] }, { a: { timeoutMs: 900, env: { X: '1' } } }),
      stepTypes: new StepTypeRegistry([new ControlledStepType()]),
      dispatcher,
      limits: { killGraceMs: 10 },
      lifecycle: rec.lifecycle,
    }).execute();
    await new Promise((resolve) => setImmediate(resolve));
    expect(jobs).toHaveLength(1);
    expect(JSON.parse(JSON.stringify(jobs[0]))).toEqual(jobs[0]);
    expect(jobs[0]).toMatchObject({ stepId: 'a', type: 'fake', attempt: 1, timeoutMs: 900, env: { X: '1' }, workdir: process.cwd() });
    expect(jobs[0].limits.killGraceMs).toBe(10);
    expect(lines(rec.events)).toEqual(['run.started']);

    waiting[0].io.started();
    waiting[0].io.log('hello\n');
    expect(lines(rec.events)).toEqual(['run.started', 'step.started a', 'attempt.started a#1']);
    waiting[0].resolve(true);
    const report = await run;
    expect(report.steps.a).toMatchObject({ status: 'succeeded', outputs: { from: 'a' } });
    expect(rec.events.find((e) => e.type === 'step.finished')).toMatchObject({ log: 'hello\n' });
  });
});

describe('LocalDispatcher', () => {
  const job = (type: string): AttemptJob => ({
    id: 'a#1',
    runId: 'r',
    stepId: 'a',
    type,
    attempt: 1,
    item: null,
    lane: 0,
    config: {},
    inputs: {},
    env: {},
    workdir: process.cwd(),
    limits: { maxLogBytes: 1024, maxOutputBytes: 1024, killGraceMs: 10 },
    timeoutMs: null,
    logHeader: null,
    priority: 1,
    runsOn: null,
  });
  const io = (signal = new AbortController().signal) => {
    const calls: string[] = [];
    return { calls, io: { signal, started: () => calls.push('started'), log: (chunk: string) => calls.push(chunk) } };
  };

  it('looks the type up in its own registry and says so when it has no such type', async () => {
    const dispatcher = new LocalDispatcher({ stepTypes: new StepTypeRegistry() });
    const { calls, io: sink } = io();
    await expect(dispatcher.dispatch(job('python'), sink)).resolves.toEqual({
      ok: false,
      reason: 'error',
      message: "step type 'python' is not registered here",
    });
    expect(calls).toEqual([]);
  });

  it('never starts an attempt cancelled while it waited for a process slot', async () => {
    const controller = new AbortController();
    const slots = { acquire: (signal?: AbortSignal) => new Promise<() => void>((_, reject) => signal!.addEventListener('abort', () => reject(new Error('aborted')))) };
    const dispatcher = new LocalDispatcher({ stepTypes: new StepTypeRegistry([new ControlledStepType()]), processSlots: slots });
    const { calls, io: sink } = io(controller.signal);
    const outcome = dispatcher.dispatch(job('fake'), sink);
    controller.abort();
    await expect(outcome).resolves.toEqual({ ok: false, reason: 'cancelled', message: 'cancelled while waiting for a process slot' });
    expect(calls).toEqual([]);
  });

  it('refuses a workdir outside the folder it is confined to, after saying the attempt started', async () => {
    const dispatcher = new LocalDispatcher({ stepTypes: new StepTypeRegistry([new ControlledStepType()]), confineTo: '/nonexistent-weft-workspace' });
    const { calls, io: sink } = io();
    const outcome = await dispatcher.dispatch(job('fake'), sink);
    expect(outcome).toMatchObject({ ok: false, reason: 'spawn_error' });
    expect(outcome.message).toMatch(/^not started: /);
    expect(calls).toEqual(['started']);
  });
});
