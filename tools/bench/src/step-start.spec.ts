import { makespanBounds } from './lower-bound';
import { MAX_STEP_MS, MIN_STEP_MS, scienceDags } from './science-dags';
import { childrenCpuMs, geometricMean, independentSleeps, spawnWithCpu, splitProfile, splitStepStart } from './sections/step-start.bench';

describe('the cost-of-starting-a-step section', () => {
  it('reads the children CPU time from a /proc stat line, a command name with spaces and parentheses included', () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
    // field 16 (cutime) = 120 ticks, field 17 (cstime) = 30 ticks
    fields[13] = '120';
    fields[14] = '30';
    expect(childrenCpuMs(`4242 (my (odd) cmd) ${fields.join(' ')}`, 100)).toBe(1500);
    expect(() => childrenCpuMs('garbage', 100)).toThrow(/not a \/proc\/PID\/stat line/);
  });

  it('measures the CPU a program and the processes it waited for used, not only their wall time', async () => {
    const idle = await spawnWithCpu('sleep', ['0.2']);
    expect(idle.code).toBe(0);
    expect(idle.ms).toBeGreaterThanOrEqual(190);
    expect(idle.cpuMs).toBeLessThan(100);
    // a busy child of a child: counted because its parent waited for it
    const burn = 'const s = process.cpuUsage(); for (;;) { const u = process.cpuUsage(s); if (u.user + u.system >= 400000) break; }';
    const busy = await spawnWithCpu('sh', ['-c', `node -e '${burn}'`]);
    expect(busy.code).toBe(0);
    expect(busy.cpuMs).toBeGreaterThanOrEqual(390);
    const failed = await spawnWithCpu('sh', ['-c', 'echo out; echo err >&2; exit 3']);
    expect(failed).toMatchObject({ code: 3, stdout: 'out\n', stderr: 'err\n' });
  });

  it('generates scientific-workflow shapes of 100 to 500 steps, long-tailed, the same on every run', () => {
    const dags = scienceDags();
    expect(dags.map((d) => d.name)).toEqual(scienceDags().map((d) => d.name));
    expect(JSON.stringify(dags)).toBe(JSON.stringify(scienceDags()));
    for (const dag of dags) {
      expect(dag.steps.length).toBeGreaterThanOrEqual(90);
      expect(dag.steps.length).toBeLessThanOrEqual(500);
      const seen = new Set<string>();
      for (const step of dag.steps) {
        for (const need of step.needs) expect(seen.has(need)).toBe(true);
        expect(seen.has(step.id)).toBe(false);
        seen.add(step.id);
        expect(step.units).toBeGreaterThanOrEqual(MIN_STEP_MS);
        expect(step.units).toBeLessThanOrEqual(MAX_STEP_MS);
      }
      // fan-out and fan-in: some step has many dependants, some step many dependencies
      const dependants = new Map<string, number>();
      for (const step of dag.steps) for (const need of step.needs) dependants.set(need, (dependants.get(need) ?? 0) + 1);
      expect(Math.max(...dependants.values())).toBeGreaterThanOrEqual(5);
      expect(Math.max(...dag.steps.map((s) => s.needs.length))).toBeGreaterThanOrEqual(5);
      // long-tailed: the slowest step takes many times the median
      const ms = dag.steps.map((s) => s.units).sort((a, b) => a - b);
      expect(ms[ms.length - 1]! / ms[Math.floor(ms.length / 2)]!).toBeGreaterThan(8);
      // parallel work to do at 4 wide: the bound is well under the sequential time
      expect(makespanBounds(dag).tight).toBeLessThan(ms.reduce((a, b) => a + b, 0) * 0.6);
    }
  });

  it('builds the many-short-steps DAG and takes geometric means', () => {
    const dag = independentSleeps(400, 10);
    expect(dag.steps).toHaveLength(400);
    expect(dag.steps.every((s) => s.needs.length === 0 && s.units === 10)).toBe(true);
    expect(geometricMean([1, 4])).toBeCloseTo(2, 10);
    expect(geometricMean([0.9, 1.1, 1])).toBeLessThan(1);
  });
});

describe('splitStepStart', () => {
  it('splits weft\'s extra wall time into the time outside the run and a cost per slot cycle, with the floors they set', () => {
    // make 1100 ms; weft 1300 ms of which 80 outside the run: 1220 ms of run against make's 1100 over 100 cycles.
    const split = splitStepStart({ weftMs: 1300, outsideMs: 80, makeMs: 1100, nodeMs: 33, cycles: 100 });
    expect(split.perCycleMs).toBeCloseTo(1.2, 10);
    expect(split.floor).toBeCloseTo(1180 / 1100, 10);
    expect(split.nodeFloor).toBeCloseTo(1133 / 1100, 10);
  });

  it('gives a negative cost per cycle when weft\'s run is shorter than make\'s (its order won time back)', () => {
    expect(splitStepStart({ weftMs: 1100, outsideMs: 100, makeMs: 1100, nodeMs: 30, cycles: 50 }).perCycleMs).toBeCloseTo(-2, 10);
  });
});

describe('splitProfile', () => {
  it('splits sampled time into idle, spawn, garbage collection and the rest', () => {
    const profile = {
      nodes: [
        { id: 1, callFrame: { functionName: '(root)' } },
        { id: 2, callFrame: { functionName: '(idle)' } },
        { id: 3, callFrame: { functionName: 'ChildProcess.spawn' } },
        { id: 4, callFrame: { functionName: '(garbage collector)' } },
        { id: 5, callFrame: { functionName: 'handle' } },
      ],
      samples: [2, 3, 3, 4, 5, 5, 5],
      timeDeltas: [1000, 2000, 2000, 500, 100, 100, 300],
    };
    expect(splitProfile(profile)).toEqual({ totalMs: 6, idleMs: 1, spawnMs: 4, gcMs: 0.5, otherMs: 0.5 });
  });
});
