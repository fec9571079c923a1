import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { waitFor } from '../../../libs/core/src/testing/wait-for';

/** A TCP port free on 127.0.0.1 right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A line the server printed, and when it arrived (`performance.now()`). */
export interface OutputLine {
  readonly at: number;
  readonly text: string;
}

/** `node apps/server/dist/main.js` running as a child of the bench. */
export interface ServerProcess {
  readonly port: number;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Its stdout and stderr lines so far (the last 2,000). */
  readonly lines: readonly OutputLine[];
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
  /** Sends SIGKILL (once) and waits for the exit. */
  kill(): Promise<void>;
}

/** Options of {@link startServer}. */
export interface StartServerOptions {
  readonly root: string;
  /** Set on top of PATH, HOME, LANG, PORT, HOST and LOG_LEVEL=warn. */
  readonly env: Record<string, string>;
  /** @default 60000 */
  readonly timeoutMs?: number;
}

/** Starts the built server on a free port of 127.0.0.1 and resolves once it prints "Weft is listening on". */
export async function startServer(options: StartServerOptions): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(options.root, 'apps/server/dist/main.js')], {
    cwd: options.root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      LANG: process.env.LANG ?? 'C.UTF-8',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...options.env,
    },
  });
  const lines: OutputLine[] = [];
  const collect = (stream: NodeJS.ReadableStream) => {
    let partial = '';
    stream.on('data', (chunk: Buffer) => {
      const at = performance.now();
      const parts = (partial + chunk.toString('utf8')).split('\n');
      partial = parts.pop()!;
      for (const text of parts) lines.push({ at, text });
      if (lines.length > 2_000) lines.splice(0, lines.length - 2_000);
    });
  };
  collect(child.stdout!);
  collect(child.stderr!);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    // Not started at all (e.g. no such folder): no 'exit' follows.
    child.once('error', (error) => {
      lines.push({ at: performance.now(), text: String(error) });
      if (child.pid === undefined) resolve();
    });
  });
  const server: ServerProcess = {
    port,
    pid: child.pid ?? 0,
    child,
    lines,
    exited,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  const gone = new AbortController();
  void exited.then(() => gone.abort(new Error('the server exited')));
  const timeoutMs = options.timeoutMs ?? 60_000;
  try {
    await waitFor(
      'the server to listen',
      () => lines.some((line) => line.text.includes('Weft is listening on')),
      {
        timeoutMs,
        intervalMs: 25,
        signal: gone.signal,
      },
    );
  } catch (error) {
    await server.kill();
    const output = lines
      .map((line) => line.text)
      .join('\n')
      .slice(-4000);
    throw new Error(
      `the server ${gone.signal.aborted ? 'exited before listening' : `did not listen within ${timeoutMs} ms`}:\n${output}`,
      { cause: error },
    );
  }
  return server;
}

/** One JSON request to a server; throws unless it answers `expected`. */
export async function api(
  port: number,
  method: 'GET' | 'POST',
  path: string,
  expected: number,
  body?: { yaml: string } | object,
): Promise<any> {
  const yaml = body !== undefined && 'yaml' in body;
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': yaml ? 'application/yaml' : 'application/json' },
    body: body === undefined ? undefined : yaml ? (body as { yaml: string }).yaml : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (response.status !== expected)
    throw new Error(
      `${method} ${path}: expected ${expected}, got ${response.status}: ${text.slice(0, 2000)}`,
    );
  return text ? JSON.parse(text) : undefined;
}
