import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { HistoryDatabaseOptions } from '@weft/history';
import { waitFor as poll } from '../../../libs/core/src/testing/wait-for.js';
import { createWeftServer } from '../src/create-app.js';
import type { WeftModuleForRootOptions as WeftModuleOptions } from '../src/weft.module.js';

export interface TestApp {
  readonly app: NestExpressApplication;
  readonly http: Server;
  /** A supertest agent with the bearer token when there is one. */
  get(path: string): request.Test;
  post(path: string): request.Test;
  close(): Promise<void>;
}

/** The real server app (same modules and setup as `main.ts`), initialized but not listening. */
export async function startApp(database: HistoryDatabaseOptions, weft: WeftModuleOptions = {}): Promise<TestApp> {
  const app = await createWeftServer({
    logLevel: process.env.WEFT_TEST_LOG_LEVEL ?? 'silent',
    bodyLimit: 64 * 1024,
    dashboardDir: null,
    weft: { limits: { killGraceMs: 500 }, ...weft, database },
  });
  await app.init();
  const http = app.getHttpServer() as Server;
  const auth = (test: request.Test) => (weft.apiToken ? test.set('Authorization', `Bearer ${weft.apiToken}`) : test);
  return {
    app,
    http,
    get: (path) => auth(request(http).get(path)),
    post: (path) => auth(request(http).post(path)),
    close: () => app.close(),
  };
}

/** A temporary workspace folder. */
export function tempDir(prefix = 'weft-e2e-'): { path: string; dispose(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, dispose: () => rmSync(path, { recursive: true, force: true }) };
}

/** Polls the run until it is no longer `running`, and returns its report. */
export function waitForRun(t: TestApp, runId: string, timeoutMs = 20_000): Promise<Record<string, any>> {
  return waitForReport(t, runId, (report) => report.status !== 'running', timeoutMs, 'to end');
}

/** Polls the run until `predicate` holds for its report, and returns the report. */
export function waitForReport(t: TestApp, runId: string, predicate: (report: any) => boolean, timeoutMs = 10_000, what = 'to match'): Promise<any> {
  return poll(
    `run ${runId} ${what}`,
    async () => {
      const { body } = await t.get(`/api/runs/${runId}`).expect(200);
      if (!predicate(body)) throw new Error(`its report is ${JSON.stringify(body)}`);
      return body;
    },
    { timeoutMs, intervalMs: 30 },
  );
}

/**
 * The core `waitFor` as the server tests use it: resolves with what `probe` found, where `undefined`
 * (an event not `find`-able yet) means "not yet" as `false` does; fails after `timeoutMs` saying `what`.
 */
export function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  return poll(what, async () => (await probe()) ?? false, { timeoutMs, intervalMs: 20 }) as Promise<T>;
}

export interface SseMessage {
  readonly id?: string;
  readonly event?: string;
  readonly data: any;
}

/** Parses a whole `text/event-stream` body into its messages (comments and `retry:`-only blocks carry none). */
export function parseSse(text: string): SseMessage[] {
  return text
    .split(/\n\n+/)
    .map((block) => block.trim())
    .filter((block) => block && !block.startsWith(':'))
    .map((block) => {
      const fields: Record<string, string> = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const at = line.indexOf(':');
        const key = at < 0 ? line : line.slice(0, at);
        const value = at < 0 ? '' : line.slice(at + 1).replace(/^ /, '');
        fields[key] = key in fields ? `${fields[key]}\n${value}` : value;
      }
      return fields;
    })
    .filter((fields) => 'data' in fields)
    .map((fields) => ({ id: fields.id, event: fields.event, data: fields.data ? JSON.parse(fields.data) : undefined }));
}

/** Reads a run's SSE stream to its end (it ends after `run.finished`). */
export async function readEvents(t: TestApp, runId: string): Promise<{ status: number; contentType: string; messages: SseMessage[] }> {
  const response = await t
    .get(`/api/runs/${runId}/events`)
    .buffer(true)
    .parse((res, callback) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => callback(null, text));
    });
  return {
    status: response.status,
    contentType: String(response.headers['content-type']),
    messages: response.status === 200 ? parseSse(response.body as string) : [],
  };
}
