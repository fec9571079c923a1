import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../../../libs/core/src/testing/wait-for.js';

/**
 * The real server as a child process (`node apps/server/dist/main.js`), for the tests that must
 * kill it or load it. Everything talks to 127.0.0.1 only.
 */

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const MAIN = join(REPO_ROOT, 'apps/server/dist/main.js');

/** Builds the server (and the libraries it imports) when needed: incremental, about a second when up to date. */
export function buildServer(): void {
  try {
    execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.build.json'], {
      cwd: REPO_ROOT,
      stdio: 'pipe',
      timeout: 180_000,
    });
  } catch (error) {
    const output = String((error as { stdout?: Buffer }).stdout ?? error);
    if (!existsSync(MAIN)) throw new Error(`the server build failed and there is no ${MAIN}:\n${output}`, { cause: error });
    console.warn(`the build failed; testing apps/server/dist as it is:\n${output.slice(0, 2000)}`);
  }
  if (!existsSync(MAIN)) throw new Error(`no ${MAIN} after the build`);
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export interface ServerProcessOptions {
  readonly databaseFile: string;
  readonly workspace: string;
  readonly examplesDir: string;
  readonly env?: Record<string, string>;
  /** How long to wait for "Weft is listening". @default 30000 */
  readonly startTimeoutMs?: number;
}

export interface ServerProcess {
  readonly port: number;
  readonly child: ChildProcess;
  /** stdout and stderr so far (the last 256 KiB). */
  output(): string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` (default SIGKILL) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `node apps/server/dist/main.js` on a free port and waits until it listens. */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      LANG: process.env.LANG ?? 'C.UTF-8',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${options.databaseFile}`,
      WEFT_WORKSPACE: options.workspace,
      WEFT_EXAMPLES_DIR: options.examplesDir,
      LOG_LEVEL: 'warn',
      ...options.env,
    },
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.length > 256 * 1024) output = output.slice(-256 * 1024);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) =>
    child.once('exit', (code, signal) => resolveExit({ code, signal })),
  );
  const server: ServerProcess = {
    port,
    child,
    output: () => output,
    exited,
    kill: async (signal = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };

  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const gone = new AbortController();
  void exited.then(() => gone.abort());
  try {
    await waitFor('the server to listen', () => /Weft is listening on /.test(output), { timeoutMs, intervalMs: 25, signal: gone.signal });
  } catch (error) {
    if (gone.signal.aborted) throw new Error(`the server exited before listening:\n${output}`, { cause: error });
    await server.kill();
    throw new Error(`the server did not listen within ${timeoutMs} ms:\n${output}`, { cause: error });
  }
  return server;
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  readonly body: any;
}

/** A request for {@link send}. */
export interface RawRequest {
  readonly method?: string;
  readonly path: string;
  /** Sent exactly as given (plus Content-Length for a body); Node adds `Host: 127.0.0.1:<port>` unless given. */
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** @default 30000 */
  readonly timeoutMs?: number;
}

/** One HTTP request to 127.0.0.1:`port` on a fresh connection, headers as given, with a finite timeout. */
export function send(port: number, { method = 'GET', path, headers = {}, body, timeoutMs = 30_000 }: RawRequest): Promise<HttpAnswer> {
  return new Promise((resolveAnswer, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: false,
        timeout: timeoutMs,
        headers: { ...headers, ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          resolveAnswer({ status: res.statusCode ?? 0, headers: res.headers, text, body: parsed });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** One request with a JSON (or `contentType`) body, or none: {@link send} for the common case. */
export function call(
  port: number,
  method: 'GET' | 'POST',
  path: string,
  body?: string | object,
  contentType = 'application/json',
  timeoutMs = 30_000,
): Promise<HttpAnswer> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return send(port, { method, path, timeoutMs, body: payload, headers: payload === undefined ? {} : { 'content-type': contentType } });
}

/** `call`, failing unless the status is `expected`. */
export async function expectCall(
  expected: number,
  port: number,
  method: 'GET' | 'POST',
  path: string,
  body?: string | object,
  contentType?: string,
): Promise<any> {
  const answer = await call(port, method, path, body, contentType);
  if (answer.status !== expected) throw new Error(`${method} ${path}: expected ${expected}, got ${answer.status}: ${answer.text}`);
  return answer.body;
}

/** Polls the run report until `predicate` holds, and returns the report. */
export function pollReport(port: number, runId: string, predicate: (report: any) => boolean, timeoutMs = 30_000): Promise<any> {
  return waitFor(
    `run ${runId} to match`,
    async () => {
      const report = await expectCall(200, port, 'GET', `/api/runs/${runId}`);
      if (!predicate(report)) throw new Error(`its report is ${JSON.stringify(report)}`);
      return report;
    },
    { timeoutMs, intervalMs: 50 },
  );
}

/**
 * Kills the process group of every pid listed in `pidFile` (one per line): step processes run in
 * their own groups and outlive a server killed with SIGKILL. Only groups whose leader still exists
 * and still leads its group are signalled. Returns the pids of the groups it signalled.
 */
export function killRecordedGroups(pidFile: string): number[] {
  if (!existsSync(pidFile)) return [];
  const killed: number[] = [];
  for (const line of readFileSync(pidFile, 'utf8').split('\n')) {
    const pid = Number(line.trim());
    if (!Number.isInteger(pid) || pid <= 1) continue;
    if (!leadsItsGroup(pid)) continue;
    try {
      process.kill(-pid, 'SIGKILL');
      killed.push(pid);
    } catch {
      // ESRCH: gone in the meantime.
    }
  }
  return killed;
}

/** True while `pid` exists and is its own process group's leader (Linux /proc; elsewhere: exists). */
export function leadsItsGroup(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state ppid pgrp …; comm may hold spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] !== 'Z' && Number(fields[2]) === pid;
  } catch {
    if (existsSync('/proc/self/stat')) return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

export const sleep = (ms: number) => new Promise<void>((resolveSleep) => setTimeout(resolveSleep, ms));

import { parseSse as parseEventStream, type SseMessage } from './e2e-helpers.js';

export { parseEventStream, type SseMessage };

export interface EventSubscriber {
  /** Resolves when the first event has arrived (the subscriber is attached). */
  readonly attached: Promise<void>;
  /** Resolves with every message when the server ends the stream. */
  readonly done: Promise<SubscriberResult>;
}

export interface SubscriberResult {
  readonly status: number;
  readonly contentType: string;
  readonly messages: SseMessage[];
  /** Date.now() when the stream ended. */
  readonly endedAt: number;
}

/** Opens `GET /api/runs/:runId/events` on its own connection with node's http module. */
export function subscribeEvents(port: number, runId: string, timeoutMs = 30_000): EventSubscriber {
  let attach!: () => void;
  let fail!: (error: Error) => void;
  const attached = new Promise<void>((resolveAttached, reject) => {
    attach = resolveAttached;
    fail = reject;
  });
  attached.catch(() => undefined); // reported through `done`
  const done = new Promise<SubscriberResult>((resolveDone, reject) => {
    const onError = (error: Error) => {
      fail(error);
      reject(error);
    };
    const req = httpRequest(
      { host: '127.0.0.1', port, method: 'GET', path: `/api/runs/${runId}/events`, agent: false, headers: { accept: 'text/event-stream' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
          if (/\n\n/.test(text)) attach();
        });
        res.on('end', () => {
          const endedAt = Date.now();
          clearTimeout(timer);
          attach();
          try {
            resolveDone({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type']), messages: parseEventStream(text), endedAt });
          } catch (error) {
            reject(error as Error);
          }
        });
        res.on('error', onError);
      },
    );
    const timer = setTimeout(() => req.destroy(new Error(`events of ${runId}: the stream did not end within ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (error) => {
      clearTimeout(timer);
      onError(error);
    });
    req.end();
  });
  return { attached, done };
}
