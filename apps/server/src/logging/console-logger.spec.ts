import { jest } from '@jest/globals';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { logRecord } from './log-record.js';

/** What Nest's default logger writes, through a real ConsoleLogger. */
function capture(): { out: string[]; err: string[]; restore(): void } {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err.push(String(chunk));
    return true;
  });
  return {
    out,
    err,
    restore: () => {
      stdout.mockRestore();
      stderr.mockRestore();
    },
  };
}

describe('a LogRecord through Nest ConsoleLogger', () => {
  let output: ReturnType<typeof capture>;
  beforeEach(() => (output = capture()));
  afterEach(() => output.restore());

  it('prints one readable line, the context before it', () => {
    new ConsoleLogger({ colors: false }).log(logRecord('step types registered', { stepTypes: ['node', 'python', 'shell'] }), 'StepTypes');
    expect(output.out).toHaveLength(1);
    const line = output.out[0];
    expect(line.endsWith('\n')).toBe(true);
    expect(line.trimEnd()).not.toContain('\n');
    expect(line).toMatch(/^\[Nest\] \d+ {2}- .+ {5}LOG \[StepTypes\] step types registered stepTypes=\["node","python","shell"\]\n$/);
    expect(line).not.toContain('Object(');
  });

  it('prints one line with colors too', () => {
    new ConsoleLogger({ colors: true }).warn(logRecord('run released', { runId: 'r1', why: 'lost its lease' }), 'Runs');
    expect(output.out).toHaveLength(1);
    expect(output.out[0]).toContain('run released runId=r1 why="lost its lease"');
    expect(output.out[0].trimEnd()).not.toContain('\n');
  });

  it('prints errors of Logger#error on one line on stderr, without a stack', () => {
    // What `new Logger('Runs').error(record)` does when ConsoleLogger is the app's logger.
    new ConsoleLogger({ colors: false }).error(logRecord('run could not be resumed', { runId: 'r1', error: new Error('gone') }), undefined, 'Runs');
    expect(output.err).toHaveLength(1);
    expect(output.err[0]).toMatch(/ERROR \[Runs\] run could not be resumed runId=r1 error="Error: gone"\n$/);
  });

  it('goes through the Nest Logger facade unchanged', () => {
    Logger.overrideLogger(new ConsoleLogger({ colors: false }));
    try {
      new Logger('Examples').log(logRecord('example workflow stored', { workflowId: 'w1', file: 'examples/a b.yaml' }));
    } finally {
      Logger.overrideLogger(new ConsoleLogger());
    }
    expect(output.out.join('')).toMatch(/LOG \[Examples\] example workflow stored workflowId=w1 file="examples\/a b.yaml"\n$/);
  });

  it('prints a structured message in json mode', () => {
    new ConsoleLogger({ json: true }).log(logRecord('run finished', { runId: 'r1', status: 'succeeded', speedup: 2.5 }), 'Runs');
    expect(output.out).toHaveLength(1);
    const entry = JSON.parse(output.out[0]);
    expect(entry).toEqual({
      level: 'log',
      pid: process.pid,
      timestamp: expect.any(Number),
      context: 'Runs',
      message: { msg: 'run finished', runId: 'r1', status: 'succeeded', speedup: 2.5 },
    });
  });

  it('prints errors in json mode as objects', () => {
    new ConsoleLogger({ json: true }).error(logRecord('ownership check failed', { error: new Error('db down') }), undefined, 'Ownership');
    const entry = JSON.parse(output.err[0]);
    expect(entry.message).toEqual({ msg: 'ownership check failed', error: expect.objectContaining({ type: 'Error', message: 'db down' }) });
  });
});
