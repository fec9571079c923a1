import { inspect } from 'node:util';
import { formatLogLine, logFields, LogRecord, logRecord } from './log-record.js';

describe('logRecord', () => {
  it('has msg and the fields as own enumerable properties, msg first, as pino and Object.assign see them', () => {
    const record = logRecord('step types registered', { stepTypes: ['node', 'python'], count: 2 });
    expect(record).toBeInstanceOf(LogRecord);
    expect(Object.keys(record)).toEqual(['msg', 'stepTypes', 'count']);
    expect({ ...record }).toEqual({ msg: 'step types registered', stepTypes: ['node', 'python'], count: 2 });
    expect(record.msg).toBe('step types registered');
    expect(logFields(record)).toEqual({ stepTypes: ['node', 'python'], count: 2 });
  });

  it('takes fields named like its methods', () => {
    const record = logRecord('m', { fields: ['a'], context: 'c' });
    expect(logFields(record)).toEqual({ fields: ['a'], context: 'c' });
    expect(String(record)).toBe('m fields=["a"] context=c');
  });

  it('keeps its own msg over a field named msg', () => {
    expect({ ...logRecord('the message', { msg: 'a field', a: 1 }) }).toEqual({ msg: 'the message', a: 1 });
  });

  it('prints on one line through util.inspect and String()', () => {
    const record = logRecord('step types registered', { stepTypes: ['node', 'python', 'shell'] });
    expect(inspect(record)).toBe('step types registered stepTypes=["node","python","shell"]');
    expect(inspect(record, { colors: true, compact: false, breakLength: 40 })).toBe('step types registered stepTypes=["node","python","shell"]');
    expect(String(record)).toBe(inspect(record));
    expect(`${logRecord('run started')}`).toBe('run started');
  });

  it('formats every kind of value readably, on one line', () => {
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    const shared = { a: 1 };
    const line = formatLogLine('m', {
      id: '3f0c2a4e-1b2c-4d5e-8f90-123456789abc',
      path: '/api/runs',
      spaced: 'nightly report',
      empty: '',
      multiline: 'first\nsecond',
      quote: 'say "hi"',
      n: 12.5,
      ok: false,
      big: 10n,
      none: null,
      skipped: undefined,
      at: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
      error: new TypeError('bad input'),
      nested: { error: new Error('inner'), list: [1, 'two'] },
      circular,
      twice: [shared, shared],
    });
    expect(line).not.toContain('\n');
    expect(line).toBe(
      'm id=3f0c2a4e-1b2c-4d5e-8f90-123456789abc path=/api/runs spaced="nightly report" empty="" multiline="first\\nsecond"' +
        ' quote="say \\"hi\\"" n=12.5 ok=false big=10 none=null at=2024-01-02T03:04:05.000Z error="TypeError: bad input"' +
        ' nested={"error":"Error: inner","list":[1,"two"]} circular={"name":"loop","self":"[Circular]"} twice=[{"a":1},{"a":1}]',
    );
  });

  it('shows only the message of an error on the line, the whole error in toJSON', () => {
    const error = new Error('disk full', { cause: new Error('ENOSPC') });
    const record = logRecord('could not record event', { runId: 'r1', error });
    expect(String(record)).toBe('could not record event runId=r1 error="Error: disk full"');
    const json = record.toJSON();
    expect(json).toEqual({
      msg: 'could not record event',
      runId: 'r1',
      error: { type: 'Error', message: 'disk full', stack: expect.stringContaining('disk full'), cause: expect.objectContaining({ message: 'ENOSPC' }) },
    });
    expect(JSON.parse(JSON.stringify(record))).toEqual(JSON.parse(JSON.stringify(json)));
  });

  it('leaves undefined fields out of the line and the JSON', () => {
    const record = logRecord('run started', { runId: 'r1', retryOf: undefined });
    expect(String(record)).toBe('run started runId=r1');
    expect(JSON.stringify(record)).toBe('{"msg":"run started","runId":"r1"}');
  });
});
