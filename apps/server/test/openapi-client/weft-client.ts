/**
 * A client of the Weft API typed only by the server's own OpenAPI document: `schema.d.ts` is
 * generated from `/api/docs-json` by openapi-typescript next to this file (see
 * ../openapi-client.e2e.spec.ts), then this script is compiled with `tsc --strict` and run against
 * the same server. It uses every operation, with no casts and no `any`: if the document says
 * something untrue, either it does not compile or a check below fails (exit code 1).
 *
 * Environment: WEFT_URL (the server), WEFT_TOKEN (its bearer token, if it has one).
 * apps/server/tsconfig.json leaves this folder out: `./schema.js` exists only where the test generates it.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from './schema.js';

type ErrorDto = components['schemas']['ErrorDto'];
type RunReport = components['schemas']['RunReportDto'];
type WorkflowDocument = NonNullable<paths['/api/workflows']['post']['requestBody']>['content']['application/json'];

const baseUrl = process.env.WEFT_URL ?? '';
const token = process.env.WEFT_TOKEN ?? '';
if (!baseUrl) {
  process.stderr.write('weft-client: set WEFT_URL\n');
  process.exit(2);
}

const client = createClient<paths>({ baseUrl, headers: token ? { Authorization: `Bearer ${token}` } : {} });
const anonymous = createClient<paths>({ baseUrl });

/** A mismatch that stops the script (a later step needs what failed). */
class Mismatch extends Error {}

const problems: string[] = [];
const notes: string[] = [];
let checks = 0;

function check(condition: boolean, what: string): void {
  checks += 1;
  if (!condition) problems.push(what);
}

function must<T>(value: T | null | undefined, what: string): T {
  checks += 1;
  if (value === undefined || value === null) throw new Mismatch(what);
  return value;
}

function expectStatus(what: string, response: Response, status: number, error?: unknown): void {
  checks += 1;
  if (response.status !== status) throw new Mismatch(`${what}: expected ${status}, got ${response.status} ${JSON.stringify(error ?? null)}`);
}

/** Checks that an error answer has one of `statuses` and the one error shape; returns the body. */
function expectError(what: string, response: Response, error: ErrorDto | undefined, statuses: readonly number[]): ErrorDto | undefined {
  check(statuses.includes(response.status), `${what}: expected ${statuses.join(' or ')}, got ${response.status} ${JSON.stringify(error ?? null)}`);
  if (!error) {
    problems.push(`${what}: no error body`);
    return undefined;
  }
  check(error.statusCode === response.status, `${what}: body statusCode ${error.statusCode}, status ${response.status}`);
  check(typeof error.error === 'string' && error.error.length > 0, `${what}: error is not a message: ${JSON.stringify(error)}`);
  check(!('message' in error), `${what}: the body has a 'message' (Nest's shape, not ErrorDto): ${JSON.stringify(error)}`);
  return error;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

async function getRun(runId: string): Promise<RunReport> {
  const { data, error, response } = await client.GET('/api/runs/{runId}', { params: { path: { runId } } });
  return must(data, `getRun ${runId}: ${response.status} ${JSON.stringify(error ?? null)}`);
}

async function waitForRun(runId: string, done: (report: RunReport) => boolean, what: string): Promise<RunReport> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const report = await getRun(runId);
    if (done(report)) return report;
    if (Date.now() > deadline) throw new Mismatch(`${what}: run ${runId} never got there: ${JSON.stringify(report)}`);
    await sleep(50);
  }
}

async function createJson(what: string, body: WorkflowDocument): Promise<string> {
  const { data, error, response } = await client.POST('/api/workflows', { body });
  expectStatus(what, response, 201, error);
  return must(data, `${what}: no body`).id;
}

async function startRun(workflowId: string, maxParallel?: number): Promise<string> {
  const { data, error, response } = await client.POST('/api/workflows/{id}/runs', {
    params: { path: { id: workflowId } },
    body: maxParallel === undefined ? {} : { maxParallel },
  });
  expectStatus(`startRun ${workflowId}`, response, 202, error);
  return must(data, 'startRun: no body').runId;
}

/** The `cursor` of a `Link: <…>; rel="next"` header. */
function linkCursor(link: string | null): string | null {
  const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(link ?? '');
  if (!match?.[1]) return null;
  return new URL(match[1], baseUrl).searchParams.get('cursor');
}

/** Echo text as a YAML or JSON body, as it is. */
const asIs = (body: unknown): string => (typeof body === 'string' ? body : JSON.stringify(body));

// ---------------------------------------------------------------------------------------------

const PIPELINE: WorkflowDocument = {
  name: 'client-json',
  maxParallel: 4,
  env: { GREETING: 'hi', COUNT: 2, LOUD: false },
  steps: [
    { id: 'fetch', type: 'shell', run: 'echo fetching; echo \'{"rows": 3}\' > "$WEFT_OUTPUTS"' },
    { id: 'fan', type: 'shell', foreach: [1, 2, 3], timeout: '30s', retries: 0, run: 'echo "{\\"n\\": $WEFT_ITEM}" > "$WEFT_OUTPUTS"' },
    {
      id: 'report',
      type: 'shell',
      needs: ['fan'],
      inputs: { rows: '${steps.fetch.outputs.rows}' },
      run: 'echo "rows=$INPUT_ROWS"',
    },
  ],
};

const YAML = `name: client-yaml
steps:
  - id: hello
    type: shell
    run: echo hello from yaml
`;

const EVENT_NAMES = ['run.started', 'step.started', 'attempt.started', 'attempt.finished', 'step.finished', 'run.finished'];

async function main(): Promise<void> {
  // getHealth
  {
    const { data, error, response } = await client.GET('/api/health');
    expectStatus('getHealth', response, 200, error);
    const health = must(data, 'getHealth: no body');
    check(health.status === 'ok', `getHealth: status ${health.status}`);
    check(health.info?.['database']?.status === 'up', `getHealth: database not up: ${JSON.stringify(health)}`);
  }

  // 401 without the token (when the server has one)
  if (token) {
    const { error, response } = await anonymous.GET('/api/step-types');
    expectError('listStepTypes without the token', response, error, [401]);
  }

  // listStepTypes
  {
    const { data, error, response } = await client.GET('/api/step-types');
    expectStatus('listStepTypes', response, 200, error);
    const types = must(data, 'listStepTypes: no body');
    const shell = must(types.find((type) => type.name === 'shell'), 'listStepTypes: no shell type');
    check(typeof shell.description === 'string' && Array.isArray(shell.codeFields), 'listStepTypes: shell has no description or codeFields');
  }

  // listWorkers: this server runs steps itself (no queue)
  {
    const { data, error, response } = await client.GET('/api/workers');
    expectStatus('listWorkers', response, 200, error);
    const workers = must(data, 'listWorkers: no body');
    check(workers.dispatcher === 'local' && workers.workers.length === 0, `listWorkers: ${JSON.stringify(workers)}`);
  }

  // createWorkflow from JSON (an object body) and from YAML (a string body)
  const jsonId = await createJson('createWorkflow (JSON)', PIPELINE);
  let yamlId: string;
  {
    const { data, error, response } = await client.POST('/api/workflows', {
      body: YAML,
      headers: { 'Content-Type': 'application/yaml' },
      bodySerializer: asIs,
    });
    expectStatus('createWorkflow (YAML)', response, 201, error);
    const created = must(data, 'createWorkflow (YAML): no body');
    yamlId = created.id;
    check(created.name === 'client-yaml', `createWorkflow (YAML): name ${created.name}`);
    check(created.plan.steps.join() === 'hello', `createWorkflow (YAML): plan ${JSON.stringify(created.plan)}`);
  }

  // getWorkflow
  {
    const { data, error, response } = await client.GET('/api/workflows/{id}', { params: { path: { id: jsonId } } });
    expectStatus('getWorkflow', response, 200, error);
    const workflow = must(data, 'getWorkflow: no body');
    check(workflow.format === 'json', `getWorkflow: format ${workflow.format}`);
    check(workflow.sourcePath === null, `getWorkflow: sourcePath ${workflow.sourcePath}`);
    check(ISO.test(workflow.createdAt), `getWorkflow: createdAt ${workflow.createdAt}`);
    const definition: unknown = JSON.parse(workflow.definition);
    check(isRecord(definition) && definition['name'] === 'client-json', 'getWorkflow: definition is not the document sent');
    const plan = must(workflow.plan, 'getWorkflow: plan is null for a valid workflow');
    check(plan.levels.length >= 2 && plan.edges.every((edge) => edge.length === 2), `getWorkflow: plan ${JSON.stringify(plan)}`);
    const yaml = await client.GET('/api/workflows/{id}', { params: { path: { id: yamlId } } });
    check(yaml.data?.format === 'yaml' && yaml.data.definition === YAML, 'getWorkflow (YAML): format or definition differ');
  }

  // startRun with maxParallel, then getRun
  const runId = await startRun(jsonId, 2);
  const report = await waitForRun(runId, (r) => r.status !== 'running', 'startRun');
  {
    check(report.status === 'succeeded', `getRun: status ${report.status}: ${JSON.stringify(report)}`);
    check(report.maxParallel === 2, `getRun: maxParallel ${report.maxParallel}`);
    check(report.peakParallelism >= 1 && report.peakParallelism <= 2, `getRun: peakParallelism ${report.peakParallelism}`);
    check(typeof report.speedup === 'number' && report.speedup > 0, `getRun: speedup ${report.speedup}`);
    check(Number.isInteger(report.makespanMs) && Number.isInteger(report.sequentialMs), 'getRun: ms figures are not integers');
    check(report.workflowId === jsonId && report.retryOf === null, `getRun: workflowId ${report.workflowId}, retryOf ${report.retryOf}`);
    check(report.finishedAt !== null && ISO.test(report.finishedAt), `getRun: finishedAt ${report.finishedAt}`);
    const fetch = must(report.steps['fetch'], 'getRun: no step fetch');
    check(fetch.status === 'succeeded' && fetch.exitCode === 0 && fetch.attempts === 1, `getRun: fetch ${JSON.stringify(fetch)}`);
    const outputs = fetch.outputs;
    check(isRecord(outputs) && outputs['rows'] === 3, `getRun: fetch outputs ${JSON.stringify(outputs)}`);
    const fan = must(report.steps['fan'], 'getRun: no step fan');
    if (Array.isArray(fan.outputs)) {
      check(fan.outputs.map((item) => item?.['n']).join() === '1,2,3', `getRun: fan outputs ${JSON.stringify(fan.outputs)}`);
    } else {
      problems.push(`getRun: a foreach step's outputs are not an array: ${JSON.stringify(fan.outputs)}`);
    }
    check(fan.items?.length === 3 && fan.items.every((item) => item.status === 'succeeded'), `getRun: fan items ${JSON.stringify(fan.items)}`);
    check(report.criticalPath.length > 0, 'getRun: no critical path');
  }

  // streamRunEvents of the finished run, read as text
  {
    const { data, error, response } = await client.GET('/api/runs/{runId}/events', {
      params: { path: { runId } },
      parseAs: 'text',
    });
    expectStatus('streamRunEvents', response, 200, error);
    check((response.headers.get('content-type') ?? '').startsWith('text/event-stream'), `streamRunEvents: ${response.headers.get('content-type')}`);
    const text = must(data, 'streamRunEvents: no body');
    check(/^retry: \d+\n\n/.test(text), `streamRunEvents: no retry hint first: ${JSON.stringify(text.slice(0, 40))}`);
    const messages = text
      .split(/\n\n+/)
      .map((block) => block.trim())
      .filter((block) => block && !block.startsWith(':'))
      .map((block) => {
        const fields = new Map<string, string>();
        for (const line of block.split('\n')) {
          const at = line.indexOf(':');
          fields.set(at < 0 ? line : line.slice(0, at), at < 0 ? '' : line.slice(at + 1).replace(/^ /, ''));
        }
        return fields;
      })
      // A block without data (the `retry:` hint) dispatches no message.
      .filter((fields) => fields.has('data'))
      .map((fields) => {
        const data: unknown = JSON.parse(fields.get('data') ?? 'null');
        return { id: fields.get('id'), event: fields.get('event'), data };
      });
    const names = messages.map((message) => message.event ?? '');
    check(names[0] === 'run.started' && names.at(-1) === 'run.finished', `streamRunEvents: order ${names.join(' ')}`);
    for (const name of EVENT_NAMES) check(names.includes(name), `streamRunEvents: no ${name} in ${names.join(' ')}`);
    check(names.every((name) => EVENT_NAMES.includes(name)), `streamRunEvents: undocumented events in ${names.join(' ')}`);
    messages.forEach((message, index) => {
      const { data } = message;
      check(Number(message.id) > (index === 0 ? 0 : Number(messages[index - 1]?.id)), `streamRunEvents: id ${message.id} does not increase`);
      check(isRecord(data) && data['type'] === message.event, `streamRunEvents: data.type differs from event ${message.event}`);
      check(isRecord(data) && typeof data['timestamp'] === 'string' && ISO.test(data['timestamp']), `streamRunEvents: ${message.event} timestamp`);
      check(isRecord(data) && Number.isInteger(data['running']), `streamRunEvents: ${message.event} running`);
    });
    check(messages.every((message, index) => message.id === String(index + 1)), `streamRunEvents: ids are not 1..n: ${messages.map((m) => m.id).join()}`);

    // Resuming: after the next-to-last id only run.finished comes; after the last id, 204 (by query and by header).
    const lastId = messages.length;
    const tail = await client.GET('/api/runs/{runId}/events', {
      params: { path: { runId }, query: { lastEventId: lastId - 1 } },
      parseAs: 'text',
    });
    expectStatus('streamRunEvents after an id', tail.response, 200, tail.error);
    const tailIds = [...(tail.data ?? '').matchAll(/^id: (\d+)$/gm)].map((match) => match[1]);
    check(tailIds.join() === String(lastId), `streamRunEvents after id ${lastId - 1}: ids ${tailIds.join()}`);
    const byQuery = await client.GET('/api/runs/{runId}/events', { params: { path: { runId }, query: { lastEventId: lastId } }, parseAs: 'text' });
    expectStatus('streamRunEvents after the last id (query)', byQuery.response, 204, byQuery.error);
    const byHeader = await client.GET('/api/runs/{runId}/events', {
      params: { path: { runId }, header: { 'Last-Event-ID': String(lastId) } },
      parseAs: 'text',
    });
    expectStatus('streamRunEvents after the last id (Last-Event-ID)', byHeader.response, 204, byHeader.error);
    const bad = await client.GET('/api/runs/{runId}/events', { params: { path: { runId }, header: { 'Last-Event-ID': 'abc' } } });
    expectError('streamRunEvents with a Last-Event-ID that is not an id', bad.response, bad.error, [400]);
  }

  // getStepLog
  {
    const { data, error, response } = await client.GET('/api/runs/{runId}/steps/{stepId}/logs', {
      params: { path: { runId, stepId: 'report' } },
      parseAs: 'text',
    });
    expectStatus('getStepLog', response, 200, error);
    check((data ?? '').includes('rows=3'), `getStepLog: ${JSON.stringify(data)}`);
    const missing = await client.GET('/api/runs/{runId}/steps/{stepId}/logs', { params: { path: { runId, stepId: 'nope' } } });
    expectError('getStepLog of an unknown step', missing.response, missing.error, [404]);
  }

  // cancelRun of a running run
  const sleeperId = await createJson('createWorkflow (sleeper)', {
    name: 'client-sleeper',
    steps: [
      { id: 'nap', type: 'shell', run: 'echo napping; sleep 30' },
      { id: 'next', type: 'shell', needs: 'nap', run: 'echo never' },
    ],
  });
  const sleeperRun = await startRun(sleeperId);
  await waitForRun(sleeperRun, (r) => r.steps['nap']?.status === 'running', 'cancelRun');
  {
    const { data, error, response } = await client.POST('/api/runs/{runId}/cancel', { params: { path: { runId: sleeperRun } } });
    expectStatus('cancelRun', response, 202, error);
    check(data?.status === 'cancelling' && data.runId === sleeperRun, `cancelRun: ${JSON.stringify(data)}`);
    const cancelled = await waitForRun(sleeperRun, (r) => r.status !== 'running', 'cancelRun');
    check(cancelled.status === 'cancelled', `cancelRun: status ${cancelled.status}`);
    const again = await client.POST('/api/runs/{runId}/cancel', { params: { path: { runId: sleeperRun } } });
    expectStatus('cancelRun twice', again.response, 202, again.error);
    check(again.data?.status === 'cancelled', `cancelRun twice: ${JSON.stringify(again.data)}`);
  }

  // retryRun of a failed run
  const failingId = await createJson('createWorkflow (failing)', {
    name: 'client-failing',
    steps: [
      { id: 'ok', type: 'shell', run: 'echo ok' },
      { id: 'boom', type: 'shell', run: 'echo boom >&2; exit 3' },
    ],
  });
  const failedRun = await startRun(failingId);
  const failed = await waitForRun(failedRun, (r) => r.status !== 'running', 'retryRun');
  check(failed.status === 'failed', `retryRun: the run is ${failed.status}`);
  const boom = must(failed.steps['boom'], 'retryRun: no step boom');
  check(boom.status === 'failed' && boom.exitCode === 3 && boom.reason === 'exit_code', `retryRun: boom ${JSON.stringify(boom)}`);
  {
    const { data, error, response } = await client.POST('/api/runs/{runId}/retry', { params: { path: { runId: failedRun } } });
    expectStatus('retryRun', response, 202, error);
    const retried = await waitForRun(must(data, 'retryRun: no body').runId, (r) => r.status !== 'running', 'retryRun');
    check(retried.retryOf === failedRun, `retryRun: retryOf ${retried.retryOf}`);
    check(retried.steps['ok']?.reused === true, `retryRun: ok not reused: ${JSON.stringify(retried.steps['ok'])}`);
  }

  // listWorkflows, page by page with X-Next-Cursor
  {
    const seen: string[] = [];
    const created: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 20; page += 1) {
      const { data, error, response } = await client.GET('/api/workflows', { params: { query: { limit: 2, cursor } } });
      expectStatus(`listWorkflows page ${page}`, response, 200, error);
      const items = must(data, 'listWorkflows: no body');
      check(items.length <= 2, `listWorkflows: ${items.length} items for limit 2`);
      seen.push(...items.map((item) => item.id));
      created.push(...items.map((item) => item.createdAt));
      const next = response.headers.get('X-Next-Cursor');
      if (!next) break;
      check(linkCursor(response.headers.get('Link')) === next, `listWorkflows: Link ${response.headers.get('Link')} does not carry X-Next-Cursor ${next}`);
      cursor = next;
    }
    for (const id of [jsonId, yamlId, sleeperId, failingId]) check(seen.includes(id), `listWorkflows: ${id} is on no page (X-Next-Cursor not followed?)`);
    check(new Set(seen).size === seen.length, `listWorkflows: a workflow on two pages: ${seen.join()}`);
    check(created.every((at, i) => i === 0 || at <= (created[i - 1] ?? at)), `listWorkflows: not newest first: ${created.join()}`);
    check(seen.indexOf(failingId) < seen.indexOf(jsonId), 'listWorkflows: not newest first');
    const bad = await client.GET('/api/workflows', { params: { query: { cursor: 'not-a-cursor' } } });
    expectError('listWorkflows with an invalid cursor', bad.response, bad.error, [400]);
  }

  // listRuns, page by page, and by workflow
  {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 20; page += 1) {
      const { data, error, response } = await client.GET('/api/runs', { params: { query: { limit: 1, cursor } } });
      expectStatus(`listRuns page ${page}`, response, 200, error);
      const runs = must(data, 'listRuns: no body');
      check(runs.length <= 1, `listRuns: ${runs.length} runs for limit 1`);
      seen.push(...runs.map((run) => run.runId));
      const next = response.headers.get('X-Next-Cursor');
      if (!next) break;
      check(linkCursor(response.headers.get('Link')) === next, `listRuns: Link ${response.headers.get('Link')} does not carry X-Next-Cursor`);
      cursor = next;
    }
    for (const id of [runId, sleeperRun, failedRun]) check(seen.includes(id), `listRuns: ${id} is on no page (X-Next-Cursor not followed?)`);
    check(seen.indexOf(failedRun) < seen.indexOf(runId), 'listRuns: not newest first');
    const { data } = await client.GET('/api/runs', { params: { query: { workflowId: jsonId, limit: 50 } } });
    const mine = must(data, 'listRuns by workflowId: no body');
    const mineRun = mine.find((run) => run.runId === runId);
    check(mine.every((run) => run.workflowId === jsonId), `listRuns by workflowId: runs of other workflows: ${JSON.stringify(mine)}`);
    check(mineRun?.status === 'succeeded' && mineRun.maxParallel === 2, `listRuns by workflowId: ${JSON.stringify(mine)}`);
    check(mineRun?.speedup !== null && mineRun?.makespanMs !== null && mineRun?.finishedAt !== null, 'listRuns: a finished run without figures');
    const bad = await client.GET('/api/runs', { params: { query: { workflowId: 'not-a-uuid' } } });
    expectError('listRuns with a bad workflowId', bad.response, bad.error, [400]);
  }

  // Errors, each read through the typed error body
  const unknownId = '00000000-0000-4000-8000-000000000000';
  {
    const run = await client.GET('/api/runs/{runId}', { params: { path: { runId: unknownId } } });
    expectError('getRun of an unknown run', run.response, run.error, [404]);
    const events = await client.GET('/api/runs/{runId}/events', { params: { path: { runId: unknownId } } });
    expectError('streamRunEvents of an unknown run', events.response, events.error, [404]);
    const workflow = await client.GET('/api/workflows/{id}', { params: { path: { id: unknownId } } });
    expectError('getWorkflow of an unknown workflow', workflow.response, workflow.error, [404]);
    const start = await client.POST('/api/workflows/{id}/runs', { params: { path: { id: unknownId } }, body: {} });
    expectError('startRun of an unknown workflow', start.response, start.error, [404]);
    const retry = await client.POST('/api/runs/{runId}/retry', { params: { path: { runId: unknownId } } });
    expectError('retryRun of an unknown run', retry.response, retry.error, [404]);
  }
  {
    const { error, response } = await client.POST('/api/workflows', { body: { steps: [{ id: 'a', type: 'no_such_type' }] } });
    const body = expectError('createWorkflow of an invalid workflow', response, error, [400]);
    check(body?.details?.[0]?.path === 'steps[0].type', `createWorkflow invalid: details ${JSON.stringify(body?.details)}`);
  }
  {
    const { error, response } = await client.POST('/api/workflows', {
      body: 'steps:\n  - id: a\n    type: shell\n    run: [\n',
      headers: { 'Content-Type': 'application/yaml' },
      bodySerializer: asIs,
    });
    const body = expectError('createWorkflow of broken YAML', response, error, [400]);
    check(typeof body?.details?.[0]?.line === 'number', `createWorkflow broken YAML: no line in ${JSON.stringify(body?.details)}`);
  }
  {
    const { error, response } = await client.POST('/api/workflows/{id}/runs', { params: { path: { id: jsonId } }, body: { maxParallel: 99 } });
    const body = expectError('startRun with maxParallel 99', response, error, [400]);
    check(body?.details?.[0]?.path === 'maxParallel', `startRun maxParallel 99: details ${JSON.stringify(body?.details)}`);
  }
  {
    const { error, response } = await client.POST('/api/workflows', {
      body: '{"steps": [',
      headers: { 'Content-Type': 'application/json' },
      bodySerializer: asIs,
    });
    const body = expectError('createWorkflow of malformed JSON', response, error, [400]);
    check(/JSON/.test(body?.error ?? ''), `createWorkflow malformed JSON: ${body?.error}`);
  }
  {
    const { error, response } = await client.POST('/api/workflows', {
      body: YAML,
      headers: { 'Content-Type': 'text/plain' },
      bodySerializer: asIs,
    });
    expectError('createWorkflow as text/plain', response, error, [415, 400]);
    notes.push(`a workflow sent as text/plain got ${response.status}`);
  }
  {
    const { error, response } = await client.POST('/api/workflows', {
      body: JSON.stringify(PIPELINE),
      headers: { 'Content-Type': 'application/json; charset=latin1' },
      bodySerializer: asIs,
    });
    expectError('createWorkflow as JSON in latin1', response, error, [415]);
  }
  {
    const { error, response } = await client.POST('/api/workflows', {
      body: `${YAML}# ${'x'.repeat(1_100_000)}\n`,
      headers: { 'Content-Type': 'application/yaml' },
      bodySerializer: asIs,
    });
    expectError('createWorkflow over the body limit', response, error, [413]);
  }
}

main().then(
  () => finish(),
  (error: unknown) => {
    problems.push(error instanceof Mismatch ? error.message : `unexpected: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    finish();
  },
);

function finish(): void {
  for (const note of notes) process.stdout.write(`note: ${note}\n`);
  if (problems.length === 0) {
    process.stdout.write(`weft-client: ${checks} checks passed\n`);
    process.exit(0);
  }
  process.stderr.write(`weft-client: ${problems.length} of ${checks} checks failed:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
  process.exit(1);
}
