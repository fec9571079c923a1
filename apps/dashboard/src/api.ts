import type { RunReport, WorkflowPlan } from '@weft/core/browser';
import type { HistoryRun, WorkerInfo } from '@weft/viz';
import { authHeaders } from './config';

/** A stored workflow (`GET /api/workflows`). */
export interface WorkflowSummary {
  readonly id: string;
  readonly name: string;
  readonly plan?: WorkflowPlan | null;
}

/** `GET /api/workers`: where steps run. */
export interface WorkersResponse {
  /** `local`: no queue, steps run as children of the server (then `workers` is empty). `queue`: on workers. */
  readonly dispatcher: 'local' | 'queue';
  readonly workers: readonly WorkerInfo[];
}

/** How often a view of the worker list asks again, in ms. */
export const WORKERS_POLL_MS = 5000;

/** A validation error body (`400 {error, details}`). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly details: readonly { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const TOKEN_KEY = 'weft.apiToken';

export function getToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY) || null;
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  if (token) localStorage.setItem(TOKEN_KEY, token);
  else localStorage.removeItem(TOKEN_KEY);
}

/** The headers that carry the token the user typed, as the page's config says (`config.ts`); none without one. */
export function tokenHeaders(): Record<string, string> {
  return authHeaders(getToken());
}

/**
 * Relative URLs only (`api/…`, no leading slash): they resolve against the page's URL, which ends
 * in `/` (`/`, `/weft/`), so the dashboard works wherever the server mounts it. Requests go with the
 * cookies of the same origin (fetch's default `credentials: 'same-origin'`).
 */
async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  return (await requestWithHeaders<T>(path, init)).body;
}

/** {@link request}, with the answer's headers (a list's `X-Next-Cursor`). */
async function requestWithHeaders<T>(path: string, init: RequestInit = {}): Promise<{ body: T; headers: Headers }> {
  const headers = new Headers(init.headers);
  for (const [name, value] of Object.entries(tokenHeaders())) headers.set(name, value);
  const res = await fetch(path, { ...init, headers });
  const type = res.headers.get('content-type') ?? '';
  const body: unknown = type.includes('json') ? await res.json() : await res.text();
  if (!res.ok) {
    const b = body as { error?: string; message?: string; details?: { path: string; message: string }[] };
    throw new ApiError(
      (typeof body === 'string' ? body : (b.error ?? b.message)) || `HTTP ${res.status}`,
      res.status,
      b?.details ?? [],
    );
  }
  return { body: body as T, headers: res.headers };
}

/** Lists come back as arrays; tolerate `{items}` / `{runs}` / `{workflows}` envelopes too. */
function list<T>(body: unknown, ...keys: string[]): T[] {
  if (Array.isArray(body)) return body as T[];
  for (const k of keys) {
    const v = (body as Record<string, unknown> | null)?.[k];
    if (Array.isArray(v)) return v as T[];
  }
  return [];
}

export const api = {
  workflows: async () => list<WorkflowSummary>(await request('api/workflows'), 'items', 'workflows'),
  workflow: (id: string) => request<WorkflowSummary>(`api/workflows/${encodeURIComponent(id)}`),
  createWorkflow: (yaml: string) =>
    request<WorkflowSummary>('api/workflows', { method: 'POST', headers: { 'Content-Type': 'application/yaml' }, body: yaml }),
  /** Starts a run; without `maxParallel`, with the workflow's own (else the default). */
  startRun: (workflowId: string, maxParallel?: number) =>
    request<{ runId: string }>(`api/workflows/${encodeURIComponent(workflowId)}/runs`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(maxParallel === undefined ? {} : { maxParallel }),
    }),
  runs: async (limit = 50) => list<HistoryRun & { workflowId?: string | null }>(await request(`api/runs?limit=${limit}`), 'items', 'runs'),
  /** A page of runs, newest first, and the cursor of the next (older) page; null on the last. */
  runsPage: async (limit: number, cursor?: string | null) => {
    const query = `limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const { body, headers } = await requestWithHeaders(`api/runs?${query}`);
    return { runs: list<HistoryRun & { workflowId?: string | null }>(body, 'items', 'runs'), nextCursor: headers.get('X-Next-Cursor') };
  },
  run: (runId: string) => request<RunReport & { workflowId?: string | null }>(`api/runs/${encodeURIComponent(runId)}`),
  /**
   * The plan of the workflow a run ran, for its dependency edges (a run report has none). The run
   * summary in `GET /api/runs` names the workflow (`workflowId`); the report does not.
   */
  runPlan: async (report: RunReport & { workflowId?: string | null }): Promise<WorkflowPlan | null> => {
    let workflowId = report.workflowId ?? null;
    if (!workflowId) {
      const runs = await api.runs(500);
      workflowId = runs.find((r) => r.runId === report.runId)?.workflowId ?? null;
    }
    if (!workflowId) return null;
    const plan = (await api.workflow(workflowId)).plan ?? null;
    // Only a plan of the same steps: the stored document may have been replaced since.
    const steps = Object.keys(report.steps);
    return plan && steps.every((id) => plan.steps.includes(id)) ? plan : null;
  },
  /** The workers steps are sent to, and whether there is a queue at all. */
  workers: async (): Promise<WorkersResponse> => {
    const body = await request<Partial<WorkersResponse>>('api/workers');
    return { dispatcher: body.dispatcher === 'queue' ? 'queue' : 'local', workers: list<WorkerInfo>(body, 'workers') };
  },
  stepLog: async (runId: string, stepId: string): Promise<string> => {
    const body = await request<unknown>(`api/runs/${encodeURIComponent(runId)}/steps/${encodeURIComponent(stepId)}/logs`);
    if (typeof body === 'string') return body;
    const b = body as { log?: string; logs?: string };
    return b.log ?? b.logs ?? JSON.stringify(body, null, 2);
  },
  cancel: (runId: string) => request<unknown>(`api/runs/${encodeURIComponent(runId)}/cancel`, { method: 'POST' }),
  retry: (runId: string) => request<{ runId: string }>(`api/runs/${encodeURIComponent(runId)}/retry`, { method: 'POST' }),
};

/** The events URL for a run (relative, like every API call). */
export const runEventsUrl = (runId: string) => `api/runs/${encodeURIComponent(runId)}/events`;
