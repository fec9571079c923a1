import { jest } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { pino } from 'pino';
import { logRecord } from './log-record.js';
import { PinoLogger } from './pino-logger.js';
import { createPinoLogging, pinoLevel } from './pino-logging.js';

/** A pino destination keeping the JSON lines it is given. */
function lines(): { write(line: string): void; entries: Record<string, any>[] } {
  const entries: Record<string, any>[] = [];
  return {
    entries,
    write: (line: string) => {
      expect(line.endsWith('\n')).toBe(true);
      expect(line.trimEnd()).not.toContain('\n');
      entries.push(JSON.parse(line));
    },
  };
}

function loggerWith(level = 'trace') {
  const destination = lines();
  return { logger: new PinoLogger(pino({ level, base: undefined, timestamp: false }, destination)), entries: destination.entries };
}

describe('PinoLogger', () => {
  it('writes a LogRecord as msg, fields and context', () => {
    const { logger, entries } = loggerWith();
    logger.log(logRecord('step types registered', { stepTypes: ['node', 'shell'] }), 'StepTypes');
    expect(entries).toEqual([{ level: 30, context: 'StepTypes', stepTypes: ['node', 'shell'], msg: 'step types registered' }]);
    expect(JSON.stringify(entries[0])).toContain('"msg":"step types registered"');
  });

  it('maps Nest levels to pino levels', () => {
    const { logger, entries } = loggerWith();
    logger.verbose('v');
    logger.debug('d');
    logger.log('l');
    logger.warn('w');
    logger.error('e');
    logger.fatal('f');
    expect(entries.map((entry) => [entry.level, entry.msg])).toEqual([
      [10, 'v'],
      [20, 'd'],
      [30, 'l'],
      [40, 'w'],
      [50, 'e'],
      [60, 'f'],
    ]);
  });

  it('writes nothing below its level, without evaluating a lazy message', () => {
    const { logger, entries } = loggerWith('warn');
    const lazy = jest.fn(() => 'expensive');
    logger.log(lazy, 'Ctx');
    logger.debug(logRecord('quiet'));
    logger.warn(() => 'computed', 'Ctx');
    expect(lazy).not.toHaveBeenCalled();
    expect(entries).toEqual([{ level: 40, context: 'Ctx', msg: 'computed' }]);
  });

  it('takes plain objects with msg as LogRecords (the nestjs-pino style)', () => {
    const { logger, entries } = loggerWith();
    logger.warn({ msg: 'request refused', status: 421, method: 'GET' }, 'Security');
    expect(entries).toEqual([{ level: 40, context: 'Security', status: 421, method: 'GET', msg: 'request refused' }]);
  });

  it('writes an Error as err with its stack, its message as msg', () => {
    const { logger, entries } = loggerWith();
    const error = new TypeError('boom');
    logger.error(error, undefined, 'ExceptionsHandler');
    expect(entries).toEqual([
      { level: 50, context: 'ExceptionsHandler', err: { type: 'TypeError', message: 'boom', stack: error.stack }, msg: 'boom' },
    ]);
  });

  it("understands Nest's error(message, stack, context) and error(message, stack)", () => {
    const { logger, entries } = loggerWith();
    const stack = 'Error: failed\n    at thing (/app/x.js:1:2)';
    logger.error('failed', stack, 'ExceptionHandler');
    logger.error('failed again', stack);
    expect(entries[0]).toEqual({ level: 50, context: 'ExceptionHandler', err: expect.objectContaining({ message: 'failed', stack }), msg: 'failed' });
    expect(entries[1]).toEqual({ level: 50, err: expect.objectContaining({ message: 'failed again', stack }), msg: 'failed again' });
  });

  it('serializes errors in other fields instead of writing {}', () => {
    const { logger, entries } = loggerWith();
    logger.error(logRecord('run could not be resumed', { runId: 'r1', error: new Error('gone') }), undefined, 'Runs');
    expect(entries[0]).toEqual({
      level: 50,
      context: 'Runs',
      runId: 'r1',
      error: { type: 'Error', message: 'gone', stack: expect.stringContaining('gone') },
      msg: 'run could not be resumed',
    });
  });

  it('merges object parameters, appends other ones to the message, and leaves out undefined fields', () => {
    const { logger, entries } = loggerWith();
    logger.log('handing runs over', { runs: 2 }, 3, 'Runs');
    logger.log(logRecord('run started', { runId: 'r1', retryOf: undefined }));
    expect(entries).toEqual([
      { level: 30, context: 'Runs', runs: 2, msg: 'handing runs over 3' },
      { level: 30, runId: 'r1', msg: 'run started' },
    ]);
  });

  it('is what the Nest Logger facade writes to after Logger.overrideLogger', () => {
    const { logger, entries } = loggerWith();
    Logger.overrideLogger(logger);
    try {
      new Logger('Runs').warn(logRecord('run released', { runId: 'r1', why: 'lost' }));
      new Logger('Runs').error(logRecord('run stopped: the executor failed', { runId: 'r1', error: 'Error: x' }));
      Logger.log('Nest application successfully started', 'NestApplication');
    } finally {
      Logger.overrideLogger(new ConsoleLogger());
    }
    expect(entries).toEqual([
      { level: 40, context: 'Runs', runId: 'r1', why: 'lost', msg: 'run released' },
      { level: 50, context: 'Runs', runId: 'r1', error: 'Error: x', msg: 'run stopped: the executor failed' },
      { level: 30, context: 'NestApplication', msg: 'Nest application successfully started' },
    ]);
  });

  it("sets pino's threshold from Nest's levels", () => {
    const { logger } = loggerWith();
    logger.setLogLevels(['error', 'warn', 'log']);
    expect(logger.pino.level).toBe('info');
    logger.setLogLevels([]);
    expect(logger.pino.level).toBe('silent');
  });
});

describe('pinoLevel', () => {
  it("takes pino's levels and Nest's names, and refuses anything else", () => {
    expect(pinoLevel('warn')).toBe('warn');
    expect(pinoLevel(' Silent ')).toBe('silent');
    expect(pinoLevel('verbose')).toBe('trace');
    expect(pinoLevel('log')).toBe('info');
    expect(() => pinoLevel('loud')).toThrow(/Unknown log level 'loud'/);
  });
});

describe('createPinoLogging', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

  /** A server that runs the middleware, logs through the Nest logger inside the request, and answers 200. */
  async function serve(options: Parameters<typeof createPinoLogging>[0] = {}) {
    const destination = lines();
    const logging = createPinoLogging({ level: 'info', destination, ...options });
    server = createServer((request, response) =>
      logging.httpMiddleware(request, response, () => {
        logging.logger.log(logRecord('handling', { path: request.url }), 'Test');
        response.setHeader('set-cookie', 'session=secret');
        response.end('ok');
      }),
    );
    await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
    const base = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
    const get = async (path: string, headers: Record<string, string> = {}) => {
      await (await fetch(base + path, { headers })).text();
      // The request log is written when the response completes.
      await new Promise((done) => setTimeout(done, 20));
    };
    return { logging, entries: destination.entries, get };
  }

  it('logs each request with runId, redacted credentials, and the request bound to logs made while handling it', async () => {
    const { entries, get } = await serve({ redactHeaders: ['X-Api-Key'] });
    const runId = '3f0c2a4e-1b2c-4d5e-8f90-123456789abc';
    await get(`/api/runs/${runId}/events`, { authorization: 'Bearer secret', cookie: 'a=b', 'x-api-key': 'key' });
    const handling = entries.find((entry) => entry.msg === 'handling')!;
    expect(handling).toMatchObject({ level: 30, context: 'Test', path: `/api/runs/${runId}/events`, runId, req: { method: 'GET' } });
    const completed = entries.find((entry) => entry.msg === 'request completed')!;
    expect(completed).toMatchObject({ level: 30, runId, req: { id: handling.req.id, url: `/api/runs/${runId}/events` }, res: { statusCode: 200 } });
    expect(completed.req.headers).toMatchObject({ authorization: '[Redacted]', cookie: '[Redacted]', 'x-api-key': '[Redacted]' });
    expect(completed.res.headers['set-cookie']).toBe('[Redacted]');
    expect(JSON.stringify(entries)).not.toMatch(/secret|"key"/);
  });

  it('does not log health checks, even under a route prefix', async () => {
    const { entries, get } = await serve();
    await get('/api/health');
    await get('/weft/api/health?probe=1');
    await get('/api/workflows');
    expect(entries.filter((entry) => entry.msg === 'request completed').map((entry) => entry.req.url)).toEqual(['/api/workflows']);
  });

  it('logs outside requests through the root logger, at the level given', async () => {
    const { logging, entries } = await serve({ level: 'warn' });
    logging.logger.log('not shown');
    logging.logger.warn(logRecord('shown', { a: 1 }), 'Ctx');
    expect(entries).toEqual([expect.objectContaining({ level: 40, context: 'Ctx', a: 1, msg: 'shown' })]);
    expect(entries[0].req).toBeUndefined();
    expect(logging.pino.level).toBe('warn');
  });

  it('is silent at level silent', async () => {
    const { logging, entries, get } = await serve({ level: 'silent' });
    await get('/api/workflows');
    logging.logger.error(new Error('nope'));
    expect(entries).toEqual([]);
  });
});
