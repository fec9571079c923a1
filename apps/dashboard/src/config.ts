/**
 * What the server that serves the dashboard tells it, in `<meta name="weft-config" content="…">`
 * of index.html (HTML-escaped JSON; `{}` in the built file):
 * `{ "authHeader"?: string, "authScheme"?: string | null }`.
 */
export interface DashboardConfig {
  /** Header the token the user typed is sent in. @default 'Authorization' */
  readonly authHeader: string;
  /** Scheme before the token in that header; null sends the token alone. @default 'Bearer' */
  readonly authScheme: string | null;
}

export const DEFAULT_CONFIG: DashboardConfig = { authHeader: 'Authorization', authScheme: 'Bearer' };

/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** An auth scheme: a token as well, with nothing a header value could not carry. */
const SCHEME = HEADER_NAME;

/**
 * The config in `doc`'s `<meta name="weft-config">`. Tolerant: a missing tag, JSON that does not
 * parse, or a field of the wrong type gives the default of that field.
 */
export function readDashboardConfig(doc: Document = document): DashboardConfig {
  const content = doc.querySelector('meta[name="weft-config"]')?.getAttribute('content');
  let given: unknown;
  try {
    given = content ? JSON.parse(content) : {};
  } catch {
    given = {};
  }
  const fields = typeof given === 'object' && given !== null && !Array.isArray(given) ? (given as Record<string, unknown>) : {};
  const authHeader = typeof fields.authHeader === 'string' && HEADER_NAME.test(fields.authHeader.trim()) ? fields.authHeader.trim() : DEFAULT_CONFIG.authHeader;
  let authScheme = DEFAULT_CONFIG.authScheme;
  if (fields.authScheme === null || fields.authScheme === '') authScheme = null;
  else if (typeof fields.authScheme === 'string' && SCHEME.test(fields.authScheme.trim())) authScheme = fields.authScheme.trim();
  return { authHeader, authScheme };
}

let cached: DashboardConfig | undefined;

/** The page's config, read once. */
export function dashboardConfig(): DashboardConfig {
  cached ??= typeof document === 'undefined' ? DEFAULT_CONFIG : readDashboardConfig(document);
  return cached;
}

/** Forgets the config read (tests). */
export function resetDashboardConfig(): void {
  cached = undefined;
}

/**
 * The request headers that carry `token`: `{ [authHeader]: '<scheme> <token>' }`, or the token
 * alone without a scheme; none without a token.
 */
export function authHeaders(token: string | null | undefined, config: DashboardConfig = dashboardConfig()): Record<string, string> {
  if (!token) return {};
  return { [config.authHeader]: config.authScheme ? `${config.authScheme} ${token}` : token };
}

/** Whether the token goes in the standard `Authorization` header. */
export function usesAuthorizationHeader(config: DashboardConfig = dashboardConfig()): boolean {
  return config.authHeader.toLowerCase() === 'authorization';
}
