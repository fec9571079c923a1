import { stableStringify } from '../run/step-hash';
import { parseCondition } from '../spec/expression/parse-condition';
import { resolveValue } from '../spec/references';
import { CoordinatorHarness, eventLine } from '../testing/coordinator-harness';
import type { StepHasher } from './run-coordinator.types';

const condition = (source: string) => ({ if: parseCondition(source) });

/** A hash of what the step would run with, standing in for `stepHash` (which also reads scripts). */
const hashStep: StepHasher = (def, scope, items) => stableStringify({ inputs: resolveValue(def.inputs, scope), items });

describe('RunCoordinator decisions', () => {
  it('skips the dependents of a failure (upstream_failed, then upstream_skipped) and runs everything else', () => {
    const h = new CoordinatorHarness({ a: [], b: ['a'], c: ['b'], x: [], y: ['x'] });
    h.start();
    h.fail('a#1');
    h.finish('x#1');
    h.finish('y#1');
    const { steps, status } = h.report!;
    expect(status).toBe('failed');
    expect(steps.a).toMatchObject({ status: 'failed', reason: 'exit_code', exitCode: 1, message: 'exited with code 1' });
    expect(steps.b).toMatchObject({ status: 'skipped', reason: 'upstream_failed', message: "'a' failed", startedAt: null });
    expect(steps.c).toMatchObject({ status: 'skipped', reason: 'upstream_skipped', message: "'b' was skipped" });
    expect(steps.y.status).toBe('succeeded');
    expect(h.events.map(eventLine).filter((line) => line.startsWith('step.finished'))).toEqual([
      'step.finished a',
      'step.finished b',
      'step.finished c',
      'step.finished x',
      'step.finished y',
    ]);
  });

  it('lets dependents run after a continueOnError failure and keeps the run succeeded', () => {
    const h = new CoordinatorHarness({ a: [], b: ['a'] }, { overrides: { a: { continueOnError: true } } });
    h.start();
    h.fail('a#1');
    h.finish('b#1');
    expect(h.report).toMatchObject({ status: 'succeeded', steps: { a: { status: 'failed' }, b: { status: 'succeeded' } } });
  });

  it("runs a recovery branch on a failed step's status and skips a false condition", () => {
    const h = new CoordinatorHarness(
      { a: [], recover: ['a'], happy: ['a'] },
      { overrides: { recover: condition("steps.a.status == 'failed'"), happy: condition("steps.a.status == 'succeeded'") } },
    );
    h.start();
    h.fail('a#1');
    expect(h.inFlight).toEqual(['recover#1']);
    h.finish('recover#1');
    expect(h.report!.steps.happy).toMatchObject({
      status: 'skipped',
      reason: 'condition_false',
      message: "condition is false: steps.a.status == 'succeeded'",
    });
    expect(h.report!.status).toBe('failed');
  });

  it('fails a step whose condition cannot be evaluated, with empty outputs', () => {
    const h = new CoordinatorHarness({ a: [], b: ['a'] }, { overrides: { b: condition('steps.a.outputs.n > 1') } });
    h.start();
    h.finish('a#1', { ok: true, outputs: { n: 'x' } });
    expect(h.report!.steps.b).toMatchObject({ status: 'failed', reason: 'condition_error', outputs: {} });
    expect(h.report!.steps.b.message).toMatch(/^if: /);
  });

  describe('foreach', () => {
    const each = { foreach: '${steps.list.outputs.items}', inputs: { x: '${item}', i: '${index}' } };

    it('fans out one attempt per item under maxParallel and collects outputs in item order', () => {
      const h = new CoordinatorHarness({ list: [], each: ['list'] }, { overrides: { each }, fields: { maxParallel: 2 } });
      h.start();
      h.finish('list#1', { ok: true, outputs: { items: ['p', 'q', 'r'] } });
      expect(h.inFlight).toEqual(['each[0]#1', 'each[1]#1']);
      expect(h.jobs[1]).toMatchObject({ item: { value: 'p', index: 0 }, inputs: { x: 'p', i: 0 } });
      h.finish('each[1]#1', { ok: true, outputs: { v: 'Q' } });
      expect(h.inFlight).toEqual(['each[0]#1', 'each[2]#1']);
      h.finish('each[2]#1', { ok: true, outputs: { v: 'R' } });
      h.finish('each[0]#1', { ok: true, outputs: { v: 'P' } });
      const step = h.report!.steps.each;
      expect(step.outputs).toEqual([{ v: 'P' }, { v: 'Q' }, { v: 'R' }]);
      expect(step.items!.map((item) => [item.index, item.status, item.attempts])).toEqual([
        [0, 'succeeded', 1],
        [1, 'succeeded', 1],
        [2, 'succeeded', 1],
      ]);
      expect(h.events.filter((e) => e.type === 'step.started' && e.stepId === 'each')).toHaveLength(1);
    });

    it('fails the step when an item fails, after the other items ended, and skips its dependents', () => {
      const h = new CoordinatorHarness({ each: [], after: ['each'] }, { overrides: { each: { foreach: [1, 2, 3] } } });
      h.start();
      h.fail('each[1]#1');
      expect(h.events.some((e) => e.type === 'step.finished')).toBe(false);
      h.finish('each[0]#1');
      h.finish('each[2]#1');
      const { steps } = h.report!;
      expect(steps.each).toMatchObject({ status: 'failed', reason: 'exit_code', outputs: [{}, null, {}] });
      expect(steps.each.items![1]).toMatchObject({ status: 'failed', reason: 'exit_code' });
      expect(steps.after).toMatchObject({ status: 'skipped', reason: 'upstream_failed' });
    });

    it('succeeds at once with no outputs when the list is empty', () => {
      const h = new CoordinatorHarness({ a: [] }, { overrides: { a: { foreach: [] } } });
      h.start();
      expect(h.jobs).toEqual([]);
      expect(h.report!.steps.a).toMatchObject({ status: 'succeeded', outputs: [], items: [], startedAt: null });
    });

    it('fails a step whose foreach does not resolve to an array (invalid_foreach)', () => {
      const h = new CoordinatorHarness({ a: [], b: ['a'] }, { overrides: { b: { foreach: '${steps.a.outputs.items}' } } });
      h.start();
      h.finish('a#1', { ok: true, outputs: { items: 'not a list' } });
      expect(h.report!.steps.b).toMatchObject({
        status: 'failed',
        reason: 'invalid_foreach',
        message: 'foreach must resolve to an array, got string',
      });
      const missing = new CoordinatorHarness({ a: [], b: ['a'] }, { overrides: { b: { foreach: '${steps.a.outputs.items}' } } });
      missing.start();
      missing.finish('a#1');
      expect(missing.report!.steps.b.message).toBe('foreach must resolve to an array, got null');
    });
  });

  describe('retry from failure', () => {
    it('reuses a step whose hash is unchanged and runs one whose hash changed, exactly once', () => {
      const hashA = hashStep({ inputs: {} } as never, { step: () => undefined }, null);
      const h = new CoordinatorHarness(
        { a: [], b: ['a'] },
        {
          options: {
            hashStep,
            reuse: { a: { hash: hashA, outputs: { n: 1 } }, b: { hash: 'stale', outputs: {} } },
            retryOf: 'run-0',
          },
        },
      );
      h.start();
      expect(h.inFlight).toEqual(['b#1']);
      h.finish('b#1');
      const report = h.report!;
      expect(report.retryOf).toBe('run-0');
      expect(report.steps.a).toMatchObject({ status: 'succeeded', reused: true, outputs: { n: 1 }, attempts: 0 });
      expect(report.steps.b).toMatchObject({ status: 'succeeded', reused: false });
      const finished = h.events.filter((e) => e.type === 'step.finished');
      expect(finished.map((e) => e.type === 'step.finished' && e.hash)).toEqual([hashA, hashStep({ inputs: {} } as never, { step: () => undefined }, null)]);
    });

    it('passes the reused outputs on to the steps that read them', () => {
      const h = new CoordinatorHarness(
        { a: [], b: ['a'] },
        {
          overrides: { b: { inputs: { n: '${steps.a.outputs.n}' } } },
          options: { hashStep, reuse: { a: { hash: hashStep({ inputs: {} } as never, { step: () => undefined }, null), outputs: { n: 7 } } } },
        },
      );
      h.start();
      expect(h.jobs.map((job) => [job.id, job.inputs])).toEqual([['b#1', { n: 7 }]]);
    });

    it('has no hash and reuses nothing without a hasher', () => {
      const h = new CoordinatorHarness({ a: [] }, { options: { reuse: { a: { hash: 'x', outputs: {} } } } });
      h.start();
      expect(h.inFlight).toEqual(['a#1']);
      h.finish('a#1');
      expect(h.events.find((e) => e.type === 'step.finished')).toMatchObject({ hash: null, log: '' });
    });
  });
});
