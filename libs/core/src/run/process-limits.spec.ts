import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseWorkflow } from '../spec/parse-workflow';
import { fakeRegistry } from '../spec/testing/fake-step-type';
import type { ResourceLimits } from '../spec/workflow.types';
import { DEFAULT_STEP_LIMITS, type StepOutcome } from '../step-type/step-type';
import { withResourceLimits } from './process-limits';
import { runStepProcess, type ProcessCommand } from './process-runner';

let workdir: string;
beforeEach(() => (workdir = mkdtempSync(join(tmpdir(), 'weft-limits-spec-'))));
afterEach(() => rmSync(workdir, { recursive: true, force: true }));

function run(command: ProcessCommand, resourceLimits?: ResourceLimits): Promise<StepOutcome> {
  return runStepProcess(command, {
    runId: 'run-1',
    stepId: 'hog',
    attempt: 1,
    config: {},
    inputs: {},
    env: {},
    workdir,
    signal: new AbortController().signal,
    limits: { ...DEFAULT_STEP_LIMITS, killGraceMs: 200 },
    resourceLimits,
    log: () => undefined,
  });
}

const python = (code: string): ProcessCommand => ({ command: 'python3', args: ['-c', code] });
const ALLOCATE_400MB = 'b = bytearray(400 * 1024 * 1024); print("allocated", len(b))';

// Real python processes allocating hundreds of MB: slow on a loaded machine.
jest.setTimeout(30_000);

describe('per-step resource limits', () => {
  it('stops a step that allocates past memoryMb, and lets the same step run without the limit', async () => {
    const limited = await run(python(ALLOCATE_400MB), { memoryMb: 128 });
    expect(limited).toMatchObject({ ok: false, reason: 'exit_code', exitCode: 1 });
    expect(limited.log).toContain('MemoryError');
    const free = await run(python(ALLOCATE_400MB));
    expect(free).toMatchObject({ ok: true });
    expect(free.log).toContain('allocated 419430400');
  });

  it('stops a step that spins past cpuSeconds with SIGXCPU and says why', async () => {
    const outcome = await run(python('while True: pass'), { cpuSeconds: 1 });
    expect(outcome).toMatchObject({ ok: false, reason: 'signal', signal: 'SIGXCPU' });
    expect(outcome.message).toBe('killed by signal SIGXCPU (over its limit of 1 CPU seconds)');
  }, 20_000);

  it('passes the limits and the program as arguments, never as script text', () => {
    const hostile = { command: '$(touch pwned)', args: ['; rm -rf /', '`id`'] };
    const wrapped = withResourceLimits(hostile, { memoryMb: 64, cpuSeconds: 5 });
    expect(wrapped.command).toBe('/bin/sh');
    expect(wrapped.args.slice(2)).toEqual(['weft-limits', '65536', '5', '7', '$(touch pwned)', '; rm -rf /', '`id`']);
    expect(wrapped.args[1]).not.toContain('pwned');
    expect(withResourceLimits(hostile, {})).toBe(hostile);
    expect(withResourceLimits(hostile, { memoryMb: Number.NaN, cpuSeconds: -1 })).toBe(hostile);
  });

  it('reports a missing program as a spawn error under limits too', async () => {
    const outcome = await run({ command: 'no-such-program-weft', args: [] }, { cpuSeconds: 5 });
    expect(outcome).toMatchObject({ ok: false, reason: 'spawn_error', message: 'cannot start no-such-program-weft: not found on PATH' });
  });
});

describe('limits: in a workflow', () => {
  const parse = (limits: string) =>
    parseWorkflow(`steps:\n  - id: a\n    type: fake\n    limits: ${limits}\n`, { rootDir: workdir, stepTypes: fakeRegistry() });

  it('is read into the step definition', () => {
    const result = parse('{ memoryMb: 512, cpuSeconds: 60 }');
    expect(result.ok && result.workflow.steps[0].resourceLimits).toEqual({ memoryMb: 512, cpuSeconds: 60 });
  });

  it.each([
    ['{ memoryMb: 4 }', 'steps[0].limits.memoryMb', 'must be an integer from 16 to 1048576, got 4'],
    ['{ cpuSeconds: 1.5 }', 'steps[0].limits.cpuSeconds', 'must be an integer from 1 to 604800'],
    ['{ disk: 5 }', 'steps[0].limits', 'disk'],
    ['lots', 'steps[0].limits', 'expected a mapping like { memoryMb: 512, cpuSeconds: 60 }'],
  ])('rejects %s with its path and what was expected', (limits, path, message) => {
    const result = parse(limits);
    expect(result.ok).toBe(false);
    const issue = !result.ok && result.issues.find((i) => i.path === path);
    expect(issue).toMatchObject({ line: 4 });
    expect(issue && issue.message).toContain(message);
  });
});
