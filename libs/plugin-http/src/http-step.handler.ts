import { parseDuration, z, type StepOutcome, type StepRunContext, type StepTypeHandler } from '@weft/core';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** The `http` step's own fields. References (`${steps.x.outputs.url}`) are allowed in each. */
export const httpConfigSchema = z.strictObject({
  url: z.string().min(1).describe('http:// or https:// URL to call'),
  method: z.enum(METHODS).default('GET').describe('HTTP method'),
  headers: z.record(z.string(), z.string()).default({}).describe('Request headers'),
  body: z.unknown().optional().describe('JSON body, sent as application/json (not with GET or HEAD)'),
  requestTimeout: z
    .union([z.number().int().positive(), z.string().regex(/^\d+(\.\d+)?(ms|s|m|h)?$/)])
    .default('30s')
    .describe('Time the request may take, e.g. "10s" (the step `timeout` also applies)'),
  okStatus: z
    .array(z.number().int().min(100).max(599))
    .optional()
    .describe('Statuses that count as success; default any 2xx'),
});

export type HttpStepConfig = z.infer<typeof httpConfigSchema>;

/** What an `http` step outputs. */
export interface HttpStepOutputs {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  /** Response headers, lower-case names. */
  readonly headers: Record<string, string>;
  /** Parsed JSON when the response says JSON (and parses), else the text. */
  readonly body: unknown;
}

const fail = (reason: NonNullable<StepOutcome['reason']>, message: string, log: string): StepOutcome => ({
  ok: false,
  reason,
  message,
  log: `${log}${message}\n`,
  exitCode: null,
  signal: null,
});

/**
 * `type: http`: one HTTP request per attempt, in process (no child process). The outputs are the
 * status, headers and parsed body; a status outside `okStatus` (default 2xx) fails the step, so
 * `retries` and `continueOnError` work as for any step. Nest-free: the CLI can register it too.
 */
export class HttpStepHandler implements StepTypeHandler<HttpStepConfig> {
  readonly name = 'http';
  readonly description = 'Calls an HTTP endpoint (method, url, headers, JSON body); outputs status, headers and parsed body.';
  readonly configSchema: z.ZodType<HttpStepConfig> = httpConfigSchema;

  async run(context: StepRunContext<HttpStepConfig>): Promise<StepOutcome> {
    const { url, method = 'GET', headers = {}, body, requestTimeout = '30s', okStatus } = context.config;
    let target: URL;
    try {
      target = new URL(String(url));
    } catch {
      return fail('error', `url must be an absolute http:// or https:// URL, got '${String(url)}'`, '');
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      return fail('error', `url must use http or https, got '${target.protocol}'`, '');
    }
    const timeoutMs = parseDuration(requestTimeout);
    if (typeof timeoutMs === 'string') return fail('error', `requestTimeout: ${timeoutMs}`, '');

    // The log names the endpoint but never the query string or header values (they may hold secrets).
    const line = `${method} ${target.origin}${target.pathname}`;
    const init: RequestInit = {
      method,
      headers: { ...headers },
      signal: AbortSignal.any([context.signal, AbortSignal.timeout(timeoutMs)]),
      redirect: 'follow',
    };
    if (body !== undefined && method !== 'GET' && method !== 'HEAD') {
      init.body = JSON.stringify(body);
      if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
        (init.headers as Record<string, string>)['content-type'] = 'application/json';
      }
    }
    context.log(`${line}\n`);
    const started = Date.now();
    let response: Response;
    let text: string;
    try {
      response = await fetch(target, init);
      text = await response.text();
    } catch (error) {
      if (context.signal.aborted) return fail('cancelled', `${line}: stopped (${String(context.signal.reason ?? 'aborted')})`, `${line}\n`);
      if ((error as Error).name === 'TimeoutError') return fail('timeout', `${line}: no answer within ${timeoutMs} ms (requestTimeout)`, `${line}\n`);
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      return fail('error', `${line}: request failed: ${cause?.code ?? cause?.message ?? (error as Error).message}`, `${line}\n`);
    }
    const log = `${line} → ${response.status} ${response.statusText} (${Date.now() - started} ms)\n`;
    context.log(log.slice(line.length + 1));
    if (Buffer.byteLength(text) > context.limits.maxOutputBytes) {
      return fail('outputs_too_large', `response body is over ${context.limits.maxOutputBytes} bytes`, log);
    }
    const outputs: HttpStepOutputs = {
      status: response.status,
      statusText: response.statusText,
      ok: response.ok,
      headers: Object.fromEntries(response.headers),
      body: parseBody(text, response.headers.get('content-type')),
    };
    const ok = okStatus ? okStatus.includes(response.status) : response.ok;
    return {
      ok,
      outputs: { ...outputs },
      log,
      exitCode: null,
      signal: null,
      reason: ok ? null : 'error',
      ...(ok ? {} : { message: `HTTP ${response.status} ${response.statusText} from ${target.origin}${target.pathname}` }),
    };
  }
}

function parseBody(text: string, contentType: string | null): unknown {
  if (!/\bjson\b/i.test(contentType ?? '') || text === '') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
