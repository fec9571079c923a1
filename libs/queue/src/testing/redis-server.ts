import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { waitFor } from '../../../core/src/testing/wait-for';
import { freePort } from './free-port';

/** Options of {@link startRedisServer}. */
export interface RedisServerOptions {
  /** The port to listen on. @default a free port found with {@link freePort} */
  readonly port?: number;
  /** The address to bind (redis-server's `--bind`). @default '127.0.0.1' */
  readonly bind?: string;
  /**
   * Also listen on this Unix socket (redis-server's `--unixsocket`, mode 700): the way in for a
   * relay in another network namespace, which cannot reach this one's loopback.
   */
  readonly unixSocket?: string;
}

/** Options of {@link RedisServer.restart}. */
export interface RedisRestartOptions {
  /** How long the server stays down between the kill and the new start, in ms. @default 0 */
  readonly downMs?: number;
}

/** A redis-server child process that belongs to one test file. */
export interface RedisServer {
  /** `redis://<host>:<port>`, for ioredis or BullMQ. */
  readonly url: string;
  readonly port: number;
  /** The address clients connect to. */
  readonly host: string;
  /** Sends SIGTERM and resolves once the process exited (SIGKILL after 5 s). Safe to call twice. */
  stop(): Promise<void>;
  /**
   * SIGKILLs the process (every key is lost: nothing is saved), waits `downMs`, then starts a new
   * one on the same port and resolves once it answers PING: a Redis crash, as workers see it.
   */
  restart(options?: RedisRestartOptions): Promise<void>;
  /** The process id of the server running now (or of the last one, once stopped). */
  pid(): number;
}

/** What a {@link redisCommand} reply decodes to: simple string, integer, bulk string or nil. */
export type RedisReply = string | number | null;

const START_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 5_000;
const PORT_ATTEMPTS = 3;
const OUTPUT_KEPT = 64 * 1024;

/**
 * Starts a redis-server of its own for a test file, so tests never touch the machine's Redis.
 *
 * 1. Picks a free port (unless `options.port` is given) and runs `$REDIS_SERVER` (default
 *    `redis-server` on `PATH`) with `--port`, `--bind`, no persistence (`--save ""`,
 *    `--appendonly no`) and `--protected-mode no`, in the temp folder; with `options.unixSocket`,
 *    on that Unix socket too.
 * 2. Resolves once the server answers `PING` with `+PONG` over a plain TCP socket, within 10 s.
 * 3. Rejects with the server's output if it exits first or does not answer in time (and kills it).
 *    When the port it picked was taken in the meantime, it tries another one, up to 3 times.
 *
 * Stop it in `afterAll`: the process outlives a test run that forgets to.
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const bind = options.bind ?? '127.0.0.1';
  const host = clientHost(bind);
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort(host));
    try {
      return new RedisServerProcess(
        host,
        port,
        bind,
        options.unixSocket,
        await launchRedis(host, port, bind, options.unixSocket),
      );
    } catch (error) {
      const retry = options.port === undefined && error instanceof PortTakenError && attempt < PORT_ATTEMPTS;
      if (!retry) throw error;
    }
  }
}

/**
 * Sends one command to the Redis at `target` over a fresh TCP socket (or Unix socket, for a `path`)
 * and resolves with its reply.
 * Rejects on an error reply (`-ERR …`), on an array reply (not read here), when the connection
 * closes first, or after `timeoutMs`.
 */
export function redisCommand(
  target: { readonly host: string; readonly port: number } | { readonly path: string },
  args: readonly string[],
  timeoutMs = 2000,
): Promise<RedisReply> {
  const where = 'path' in target ? target.path : `${target.host}:${target.port}`;
  return new Promise((resolve, reject) => {
    const socket = connect(
      'path' in target ? { path: target.path } : { host: target.host, port: target.port },
    );
    let received = Buffer.alloc(0);
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.setTimeout(timeoutMs, () =>
      fail(new Error(`redis at ${where} did not answer ${args[0]} within ${timeoutMs} ms`)),
    );
    socket.once('error', fail);
    // After a reply this rejects a settled promise, which does nothing.
    socket.once('close', () =>
      reject(new Error(`redis at ${where} closed the connection before answering ${args[0]}`)),
    );
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      let reply: ReturnType<typeof parseReply>;
      try {
        reply = parseReply(received);
      } catch (error) {
        return fail(error as Error);
      }
      if (reply === null) return;
      socket.destroy();
      if ('error' in reply) reject(new Error(`redis at ${where} refused ${args[0]}: ${reply.error}`));
      else resolve(reply.value);
    });
    socket.write(encodeCommand(args));
  });
}

/** A command as a RESP array of bulk strings. */
export function encodeCommand(args: readonly string[]): Buffer {
  const parts = args.map((arg) => `$${Buffer.byteLength(arg, 'utf8')}\r\n${arg}\r\n`);
  return Buffer.from(`*${args.length}\r\n${parts.join('')}`, 'utf8');
}

/**
 * Decodes the RESP reply at the start of `data`: `null` while it is incomplete, else its value or
 * its error text. Reads simple strings, errors, integers and bulk strings; throws on other types.
 */
export function parseReply(data: Buffer): { value: RedisReply } | { error: string } | null {
  const lineEnd = data.indexOf('\r\n');
  if (lineEnd < 0) return null;
  const type = String.fromCharCode(data[0]);
  const line = data.toString('utf8', 1, lineEnd);
  switch (type) {
    case '+':
      return { value: line };
    case '-':
      return { error: line };
    case ':':
      return { value: Number(line) };
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: null };
      const start = lineEnd + 2;
      if (data.length < start + length + 2) return null;
      return { value: data.toString('utf8', start, start + length) };
    }
    default:
      throw new Error(
        `parseReply reads simple strings, errors, integers and bulk strings; this reply starts with ${JSON.stringify(type)}`,
      );
  }
}

/** The port was taken between {@link freePort} and the server's bind. */
class PortTakenError extends Error {
  override readonly name = 'PortTakenError';
}

/** One redis-server process. */
interface RedisChild {
  readonly process: ChildProcess;
  readonly pid: number;
  /** Resolves once the process exited. */
  readonly exited: Promise<void>;
  /** Its stdout and stderr so far (the last 64 KiB). */
  output(): string;
}

class RedisServerProcess implements RedisServer {
  readonly url: string;
  readonly #bind: string;
  readonly #unixSocket: string | undefined;
  #child: RedisChild;

  constructor(
    readonly host: string,
    readonly port: number,
    bind: string,
    unixSocket: string | undefined,
    child: RedisChild,
  ) {
    this.url = `redis://${host.includes(':') ? `[${host}]` : host}:${port}`;
    this.#bind = bind;
    this.#unixSocket = unixSocket;
    this.#child = child;
  }

  pid(): number {
    return this.#child.pid;
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (!isRunning(child)) return child.exited;
    child.process.kill('SIGTERM');
    const grace = setTimeout(() => child.process.kill('SIGKILL'), STOP_GRACE_MS);
    await child.exited.finally(() => clearTimeout(grace));
  }

  async restart(options: RedisRestartOptions = {}): Promise<void> {
    const { downMs = 0 } = options;
    if (isRunning(this.#child)) this.#child.process.kill('SIGKILL');
    await this.#child.exited;
    if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
    this.#child = await launchRedis(this.host, this.port, this.#bind, this.#unixSocket);
  }
}

/** Spawns redis-server on `port` and resolves once it answers PING; see {@link startRedisServer}. */
async function launchRedis(
  host: string,
  port: number,
  bind: string,
  unixSocket?: string,
): Promise<RedisChild> {
  const binary = process.env.REDIS_SERVER ?? 'redis-server';
  const args = [
    '--port',
    String(port),
    '--bind',
    bind,
    '--save',
    '',
    '--appendonly',
    'no',
    '--protected-mode',
    'no',
    ...(unixSocket === undefined ? [] : ['--unixsocket', unixSocket, '--unixsocketperm', '700']),
  ];
  const child = spawn(binary, args, { cwd: tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_KEPT);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new Error(
              `redis-server is not installed: apt-get install -y redis-server (or set REDIS_SERVER to its path; tried ${binary})`,
              { cause: error },
            )
          : new Error(`cannot start ${binary}: ${error.message}`, { cause: error }),
      ),
    );
  });

  const redis: RedisChild = { process: child, pid: child.pid!, exited, output: () => output };
  const gone = new AbortController();
  void exited.then(() => gone.abort(new Error('redis-server exited')));
  try {
    await waitFor(
      `redis-server on ${host}:${port} to answer PING`,
      async () => (await redisCommand({ host, port }, ['PING'], 1000)) === 'PONG',
      {
        timeoutMs: START_TIMEOUT_MS,
        intervalMs: 20,
        signal: gone.signal,
      },
    );
    return redis;
  } catch (error) {
    if (gone.signal.aborted) {
      const how = `with ${child.signalCode ?? `exit code ${child.exitCode}`}`;
      const message = `${binary} exited ${how} before answering PING on ${host}:${port}:\n${output}`;
      throw /Address already in use/i.test(output) ? new PortTakenError(message) : new Error(message);
    }
    child.kill('SIGKILL');
    await exited;
    throw new Error(
      `${binary} did not answer PING on ${host}:${port} within ${START_TIMEOUT_MS / 1000} s:\n${output}`,
      { cause: error },
    );
  }
}

function isRunning(child: RedisChild): boolean {
  return child.process.exitCode === null && child.process.signalCode === null;
}

/** Where a client connects to reach a server bound to `bind` (its first address; a wildcard means loopback). */
function clientHost(bind: string): string {
  const first = bind.trim().split(/\s+/)[0].replace(/^-/, '');
  if (first === '0.0.0.0' || first === '*') return '127.0.0.1';
  if (first === '::' || first === '::*') return '::1';
  return first;
}
