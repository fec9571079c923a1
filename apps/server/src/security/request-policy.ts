import type { IncomingHttpHeaders } from 'node:http';
import { bearerMatches } from '../auth/api-token.guard.js';
import { hostNameOf, isAllowedHost, normalizeAllowedHost } from './allowed-hosts.js';
import { canonicalPath, isApiPath } from './canonical-path.js';
import { isOwnOrigin, normalizeCorsOrigin, originOf } from './cors-origins.js';
import { isJsonType, isYamlType, mediaTypeOf } from './media-types.js';

/** What {@link decideRequest} checks a request against; make one with {@link createRequestPolicy}. */
export interface RequestPolicy {
  /** Host names answered besides loopback names and IP literals; `.example.com` also covers its subdomains. */
  readonly allowedHosts: readonly string[];
  /** Origins (`scheme://host[:port]`) allowed to call across origins, or `'*'` for any. */
  readonly corsOrigins: readonly string[] | '*';
  /** When set, every `/api` path needs `Authorization: Bearer <apiToken>`. */
  readonly apiToken: string | null;
  /** Canonical path Weft is mounted at (`/weft`), '' at the root: its API is `<base>/api`. */
  readonly base: string;
}

/** Options of {@link createRequestPolicy}. */
export interface RequestPolicyOptions {
  /** @default [] */
  readonly allowedHosts?: readonly string[];
  /** `'*'` only with an `apiToken`. @default [] */
  readonly corsOrigins?: readonly string[];
  /** @default null */
  readonly apiToken?: string | null;
  /** Path Weft is mounted at (`/weft`, `weft/`, the global prefix included). @default '' */
  readonly base?: string;
}

/** The parts of a request {@link decideRequest} reads. */
export interface RequestFacts {
  readonly method?: string;
  readonly url?: string;
  readonly headers: IncomingHttpHeaders;
}

/** Response headers the decision adds (CORS, `WWW-Authenticate`). */
export type DecisionHeaders = Readonly<Record<string, string>>;

/**
 * What to do with a request: pass it on with `headers` set on the response, answer a CORS
 * preflight with 204, or refuse it with `status` and the error body `{ statusCode, error }`.
 */
export type RequestDecision =
  | { readonly action: 'continue'; readonly headers: DecisionHeaders }
  | { readonly action: 'preflight'; readonly headers: DecisionHeaders }
  | { readonly action: 'refuse'; readonly status: 401 | 403 | 415 | 421; readonly error: string; readonly headers: DecisionHeaders };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const PREFLIGHT_HEADERS = {
  'Access-Control-Allow-Methods': 'GET, POST',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type, Last-Event-ID',
  'Access-Control-Max-Age': '600',
};
const EXPOSED_HEADERS = 'X-Next-Cursor, Link';
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;

/**
 * The request headers a preflight allows: Weft's own, plus the ones the page asks for when they are
 * well-formed header names (at most 20), so a host's own auth guard can read its header (`X-Api-Key`)
 * from a listed origin. Listing the origin is the trust decision; the header names add none.
 */
function allowedRequestHeaders(requested: string | undefined): string {
  const own = PREFLIGHT_HEADERS['Access-Control-Allow-Headers'];
  const known = new Set(own.toLowerCase().split(', '));
  const extra = (requested ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => HEADER_NAME.test(name) && !known.has(name) && (known.add(name), true))
    .slice(0, 20);
  return extra.length ? `${own}, ${extra.join(', ')}` : own;
}

/**
 * Checks and normalizes the options; throws a TypeError naming the bad entry. `'*'` among the
 * origins needs a token: without one any web page could drive the server.
 */
export function createRequestPolicy(options: RequestPolicyOptions = {}): RequestPolicy {
  const allowedHosts = (options.allowedHosts ?? []).map((entry) => normalized(entry, normalizeAllowedHost, 'allowed host'));
  const origins = (options.corsOrigins ?? []).map((entry) => normalized(entry, normalizeCorsOrigin, 'CORS origin'));
  const apiToken = options.apiToken || null;
  if (origins.includes('*') && !apiToken) {
    throw new TypeError(
      "The CORS origin '*' lets any web page call this server; it is allowed only with an API token. Set one, or list the origins.",
    );
  }
  const base = canonicalPath(options.base ?? '/');
  return { allowedHosts, corsOrigins: origins.includes('*') ? '*' : origins, apiToken, base: base === '/' ? '' : base };
}

function normalized(entry: string, normalize: (entry: string) => string, what: string): string {
  try {
    return normalize(entry);
  } catch (error) {
    throw new TypeError(`Invalid ${what}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Decides a request before anything reads its body, in this order:
 *
 * 1. `Host` must be a name the server is meant to be reached by (loopback names, IP literals,
 *    `allowedHosts`), else 421: a DNS-rebinding page uses its own name. No `Host` passes.
 * 2. A CORS preflight is answered here: 204 for the server's own origin and listed ones, else 403.
 * 3. A state-changing request (not GET, HEAD, OPTIONS) with an `Origin` that is neither the server
 *    itself nor listed is refused with 403 (`Origin: null` is never listed).
 * 4. With a token, every canonical `/api` path needs it (401), whatever its case or encoding.
 * 5. A state-changing `/api` request with a body must be JSON (or YAML for `/api/workflows`), else
 *    415: an HTML form (text/plain, urlencoded, multipart) can never drive the API.
 *
 * Responses to listed origins carry `Access-Control-Allow-Origin` (never credentials).
 */
export function decideRequest(request: RequestFacts, policy: RequestPolicy): RequestDecision {
  const method = (request.method ?? 'GET').toUpperCase();
  const url = request.url ?? '/';
  const host = single(request.headers.host);

  const refusedHost = [host, absoluteFormHost(url)].find((value) => value && !isAllowedHost(hostNameOf(value) ?? '', policy.allowedHosts));
  if (refusedHost) {
    return refuse(
      421,
      `Refusing to answer for Host '${clip(refusedHost)}': this server answers localhost, IP addresses and the names in ` +
        'WEFT_ALLOWED_HOSTS. If it is meant to be reached by that name, add it to WEFT_ALLOWED_HOSTS.',
    );
  }

  const originHeader = single(request.headers.origin);
  const origin = originHeader === undefined ? undefined : originOf(originHeader);
  const own = !!origin && !!host && isOwnOrigin(origin, host);
  const listed = !!origin && !own && (policy.corsOrigins === '*' || policy.corsOrigins.includes(origin));
  const cors: Record<string, string> = {};
  if (policy.corsOrigins === '*' || policy.corsOrigins.length > 0) cors.Vary = 'Origin';
  if (listed) Object.assign(cors, { 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': EXPOSED_HEADERS });

  const foreign = originHeader !== undefined && !own && !listed;
  if (method === 'OPTIONS' && originHeader !== undefined && request.headers['access-control-request-method'] !== undefined) {
    if (foreign) return refuse(403, crossOriginError('requests', originHeader), cors);
    return {
      action: 'preflight',
      headers: {
        ...cors,
        'Access-Control-Allow-Origin': origin!,
        Vary: 'Origin',
        ...PREFLIGHT_HEADERS,
        'Access-Control-Allow-Headers': allowedRequestHeaders(single(request.headers['access-control-request-headers'])),
      },
    };
  }
  if (foreign && !SAFE_METHODS.has(method)) return refuse(403, crossOriginError(`${method} requests`, originHeader), cors);

  const path = canonicalPath(url);
  if (!isApiPath(path, policy.base)) return { action: 'continue', headers: cors };
  if (policy.apiToken && !bearerMatches(single(request.headers.authorization), policy.apiToken)) {
    return refuse(401, 'Missing or wrong bearer token: send Authorization: Bearer <WEFT_API_TOKEN>', { ...cors, 'WWW-Authenticate': 'Bearer' });
  }
  if (!SAFE_METHODS.has(method) && hasBody(request.headers)) {
    const contentType = single(request.headers['content-type']);
    const type = mediaTypeOf(contentType);
    const workflows = path === `${policy.base}/api/workflows`;
    if (!(isJsonType(type) || (workflows && isYamlType(type)))) {
      const takes = workflows ? 'a workflow as application/yaml or application/json' : 'application/json, or no body';
      const sent = contentType ? `Unsupported content type '${clip(contentType)}'` : 'A body without a Content-Type';
      return refuse(415, `${sent}: ${method} ${clip(path)} takes ${takes}`, cors);
    }
  }
  return { action: 'continue', headers: cors };
}

function refuse(status: 401 | 403 | 415 | 421, error: string, headers: DecisionHeaders = {}): RequestDecision {
  return { action: 'refuse', status, error, headers };
}

function crossOriginError(what: string, origin: string): string {
  return `Refusing cross-origin ${what} from '${clip(origin)}': only the server's own origin and the origins listed in WEFT_CORS_ORIGINS may send them.`;
}

/** A body is coming: chunked, or a Content-Length above 0 (a bodiless fetch POST sends 0). */
function hasBody(headers: IncomingHttpHeaders): boolean {
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = headers['content-length'];
  return length !== undefined && length.trim() !== '0';
}

/** The authority of an absolute-form request target (`GET http://host/path`), else undefined. */
function absoluteFormHost(url: string): string | undefined {
  if (url.startsWith('/')) return undefined;
  try {
    return new URL(url).host || undefined;
  } catch {
    return undefined;
  }
}

function single(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text === '' ? undefined : text;
}

/** A header echoed in a message: at most 100 characters, no control characters. */
function clip(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length > 100 ? `${clean.slice(0, 100)}…` : clean;
}
