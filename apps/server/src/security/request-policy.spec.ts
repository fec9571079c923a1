import type { IncomingHttpHeaders } from 'node:http';
import { hostNameOf, isAllowedHost, normalizeAllowedHost } from './allowed-hosts.js';
import { isOwnOrigin, normalizeCorsOrigin } from './cors-origins.js';
import { createRequestPolicy, decideRequest, type RequestDecision, type RequestPolicy } from './request-policy.js';

const HOST = '127.0.0.1:3000';
const OWN = 'http://127.0.0.1:3000';
const LISTED = 'https://app.example.com';

const open = createRequestPolicy({ allowedHosts: ['weft.example.com', '.lan.example'], corsOrigins: [LISTED] });
const guarded = createRequestPolicy({ apiToken: 'secret-token-0123456789' });

function decide(method: string, url: string, headers: IncomingHttpHeaders = {}, policy: RequestPolicy = open): RequestDecision {
  return decideRequest({ method, url, headers: { host: HOST, ...headers } }, policy);
}

const statusOf = (decision: RequestDecision) => (decision.action === 'refuse' ? decision.status : decision.action);
const yaml = { 'content-type': 'application/yaml', 'content-length': '20' };
const json = { 'content-type': 'application/json', 'content-length': '2' };

describe('decideRequest', () => {
  describe('Host', () => {
    it('answers loopback names, IP literals, the allowed names and a request without Host', () => {
      for (const host of ['127.0.0.1:3000', '127.9.9.9', 'localhost:3000', 'LocalHost', 'app.localhost', '[::1]:3000', '10.0.0.7:80', '[fd00::1]', 'weft.example.com', 'WEFT.example.com.:3000', 'a.b.lan.example', 'lan.example', '']) {
        expect([host, statusOf(decide('GET', '/api/health', { host }))]).toEqual([host, 'continue']);
      }
      expect(statusOf(decideRequest({ method: 'GET', url: '/', headers: {} }, open))).toBe('continue');
    });

    it('refuses any other name with 421, naming it and WEFT_ALLOWED_HOSTS', () => {
      for (const host of ['rebind.attacker.example:3000', 'localhost.attacker.example', '127.0.0.1.nip.io', 'xlan.example', 'weft.example.com.evil', 'a b', 'user@localhost', '::1', '[::1']) {
        const decision = decide('GET', '/', { host });
        expect([host, statusOf(decision)]).toEqual([host, 421]);
      }
      const decision = decide('GET', '/api/health', { host: 'rebind.attacker.example:3000' });
      expect(decision).toMatchObject({ error: expect.stringMatching(/'rebind\.attacker\.example:3000'.*add it to WEFT_ALLOWED_HOSTS/) });
    });

    it('checks the authority of an absolute-form target too', () => {
      expect(statusOf(decide('GET', 'http://rebind.attacker.example/api/health'))).toBe(421);
      expect(statusOf(decide('GET', 'http://localhost:3000/api/health'))).toBe('continue');
    });

    it('allows only loopback names and IP literals when nothing is configured', () => {
      const none = createRequestPolicy();
      expect(statusOf(decide('GET', '/', { host: 'weft.example.com' }, none))).toBe(421);
      expect(statusOf(decide('GET', '/', { host: '192.168.1.20:3000' }, none))).toBe('continue');
    });
  });

  describe('Origin', () => {
    it('refuses a state-changing request from a foreign origin with 403, whatever its content type', () => {
      for (const origin of ['http://evil.example', 'null', 'http://127.0.0.1:3001', 'https://app.example.com.evil', 'garbage']) {
        for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
          const decision = decide(method, '/api/workflows', { origin, ...yaml });
          expect([origin, method, statusOf(decision)]).toEqual([origin, method, 403]);
        }
      }
      expect(decide('POST', '/api/workflows', { origin: 'http://evil.example', ...yaml })).toMatchObject({
        error: expect.stringMatching(/'http:\/\/evil\.example'.*WEFT_CORS_ORIGINS/),
        headers: { Vary: 'Origin' },
      });
    });

    it("passes the server's own origin, whatever the scheme in front of it, and requests without Origin", () => {
      expect(statusOf(decide('POST', '/api/workflows', { origin: OWN, ...yaml }))).toBe('continue');
      expect(statusOf(decide('POST', '/api/workflows', { host: 'weft.example.com', origin: 'https://weft.example.com', ...yaml }))).toBe('continue');
      expect(statusOf(decide('POST', '/api/workflows', { host: 'localhost:80', origin: 'http://localhost', ...yaml }))).toBe('continue');
      expect(statusOf(decide('POST', '/api/workflows', yaml))).toBe('continue');
    });

    it('lets foreign origins read nothing: GET passes without CORS headers', () => {
      const decision = decide('GET', '/api/workflows', { origin: 'http://evil.example' });
      expect(decision).toEqual({ action: 'continue', headers: { Vary: 'Origin' } });
    });
  });

  describe('CORS for listed origins', () => {
    it('answers a preflight with the allowed methods and headers, no credentials', () => {
      const decision = decide('OPTIONS', '/api/workflows', { origin: LISTED, 'access-control-request-method': 'POST' });
      expect(decision).toEqual({
        action: 'preflight',
        headers: {
          'Access-Control-Allow-Origin': LISTED,
          'Access-Control-Expose-Headers': 'X-Next-Cursor, Link',
          'Access-Control-Allow-Methods': 'GET, POST',
          'Access-Control-Allow-Headers': 'Authorization, Content-Type, Last-Event-ID',
          'Access-Control-Max-Age': '600',
          Vary: 'Origin',
        },
      });
    });

    it('also allows the well-formed headers a listed page asks for (a host guard\'s own auth header), and no others', () => {
      const ask = (headers: string) =>
        decide('OPTIONS', '/api/workflows', { origin: LISTED, 'access-control-request-method': 'POST', 'access-control-request-headers': headers });
      const allowed = (headers: string) => (ask(headers) as { headers: Record<string, string> }).headers['Access-Control-Allow-Headers'];
      expect(allowed('X-Api-Key, content-type')).toBe('Authorization, Content-Type, Last-Event-ID, x-api-key');
      expect(allowed('authorization')).toBe('Authorization, Content-Type, Last-Event-ID');
      expect(allowed('bad header, x-ok, a\r\nb, x-ok')).toBe('Authorization, Content-Type, Last-Event-ID, x-ok');
      expect(allowed(Array.from({ length: 30 }, (_, i) => `x-h${i}`).join(','))!.split(', ')).toHaveLength(3 + 20);
      expect(statusOf(decide('OPTIONS', '/api/workflows', { origin: 'http://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-api-key' }))).toBe(403);
    });

    it('refuses a preflight from an unlisted origin with 403', () => {
      expect(statusOf(decide('OPTIONS', '/api/workflows', { origin: 'http://evil.example', 'access-control-request-method': 'POST' }))).toBe(403);
      expect(statusOf(decide('OPTIONS', '/api/workflows', { origin: 'null', 'access-control-request-method': 'POST' }))).toBe(403);
    });

    it('adds Access-Control-Allow-Origin to the real requests of a listed origin', () => {
      expect(decide('POST', '/api/workflows', { origin: LISTED, ...json })).toEqual({
        action: 'continue',
        headers: { Vary: 'Origin', 'Access-Control-Allow-Origin': LISTED, 'Access-Control-Expose-Headers': 'X-Next-Cursor, Link' },
      });
      expect(decide('GET', '/api/runs/x/events', { origin: LISTED }).headers['Access-Control-Allow-Origin']).toBe(LISTED);
    });

    it("takes '*' only with a token, and still never Origin: null", () => {
      expect(() => createRequestPolicy({ corsOrigins: ['*'] })).toThrow(/only with an API token/);
      const any = createRequestPolicy({ corsOrigins: ['*'], apiToken: 'secret-token-0123456789' });
      const auth = { authorization: 'Bearer secret-token-0123456789' };
      expect(decide('POST', '/api/workflows', { origin: 'https://anywhere.example', ...json, ...auth }, any)).toMatchObject({
        action: 'continue',
        headers: { 'Access-Control-Allow-Origin': 'https://anywhere.example' },
      });
      expect(statusOf(decide('POST', '/api/workflows', { origin: 'null', ...json, ...auth }, any))).toBe(403);
      expect(statusOf(decide('POST', '/api/workflows', { origin: 'https://anywhere.example', ...json }, any))).toBe(401);
    });

    it('checks the configured entries and names a bad one', () => {
      expect(() => createRequestPolicy({ corsOrigins: ['https://a.example/path'] })).toThrow(/Invalid CORS origin: 'https:\/\/a\.example\/path'/);
      expect(() => createRequestPolicy({ allowedHosts: ['http://a.example'] })).toThrow(/Invalid allowed host: 'http:\/\/a\.example'/);
    });
  });

  describe('token', () => {
    it('requires the token on every spelling of an /api path, and nowhere else', () => {
      for (const url of ['/api/docs-json', '/API/docs-json', '/Api/Docs', '/api//docs-json', '/api/%64ocs-json', '/api/./docs', '/x/../api', `http://${HOST}/API/docs`]) {
        const decision = decide('GET', url, {}, guarded);
        expect([url, statusOf(decision)]).toEqual([url, 401]);
        expect(decision.headers['WWW-Authenticate']).toBe('Bearer');
      }
      expect(statusOf(decide('GET', '/API/docs-json', { authorization: 'Bearer secret-token-0123456789' }, guarded))).toBe('continue');
      expect(statusOf(decide('GET', '/api/health', { authorization: 'Bearer secret-token-012345678X' }, guarded))).toBe(401);
      expect(statusOf(decide('GET', '/index.html', {}, guarded))).toBe('continue');
    });

    it('answers a preflight without the token (browsers never send it there)', () => {
      const withCors = createRequestPolicy({ corsOrigins: [LISTED], apiToken: 'secret-token-0123456789' });
      expect(statusOf(decide('OPTIONS', '/api/workflows', { origin: LISTED, 'access-control-request-method': 'POST' }, withCors))).toBe('preflight');
    });
  });

  describe('content type', () => {
    it('takes YAML or JSON for POST /api/workflows, JSON or no body elsewhere', () => {
      for (const type of ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml; charset=utf-8', 'application/json', 'application/vnd.weft+json']) {
        expect([type, statusOf(decide('POST', '/api/workflows/', { 'content-type': type, 'content-length': '5' }))]).toEqual([type, 'continue']);
      }
      expect(statusOf(decide('POST', '/api/workflows/x/runs', json))).toBe('continue');
      expect(statusOf(decide('POST', '/api/workflows/x/runs', {}))).toBe('continue');
      expect(statusOf(decide('POST', '/api/runs/x/cancel', { 'content-length': '0' }))).toBe('continue');
    });

    it('answers 415 to what an HTML form sends, to a body without a type and to YAML where only JSON goes', () => {
      const cases: [string, IncomingHttpHeaders][] = [
        ['/api/workflows', { 'content-type': 'text/plain', 'content-length': '5' }],
        ['/api/workflows', { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '5' }],
        ['/api/workflows', { 'content-type': 'multipart/form-data; boundary=x', 'transfer-encoding': 'chunked' }],
        ['/api/workflows', { 'content-length': '5' }],
        ['/API/Workflows', { 'content-type': 'text/plain', 'content-length': '5' }],
        ['/api/workflows/x/runs', { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '17' }],
        ['/api/workflows/x/runs', { 'content-type': 'application/yaml', 'content-length': '5' }],
        ['/api/runs/x/retry', { 'content-type': 'text/plain', 'content-length': '1' }],
        ['/api/workflows', { 'content-type': 'application/jsonx', 'content-length': '5' }],
      ];
      for (const [url, headers] of cases) expect([url, headers, statusOf(decide('POST', url, headers))]).toEqual([url, headers, 415]);
      expect(decide('POST', '/api/workflows', { 'content-type': 'text/plain', 'content-length': '5' })).toMatchObject({
        error: "Unsupported content type 'text/plain': POST /api/workflows takes a workflow as application/yaml or application/json",
      });
      expect(decide('POST', '/api/workflows/x/runs', { 'content-length': '5' })).toMatchObject({
        error: 'A body without a Content-Type: POST /api/workflows/x/runs takes application/json, or no body',
      });
    });

    it('leaves paths outside /api alone', () => {
      expect(statusOf(decide('POST', '/somewhere', { 'content-type': 'text/plain', 'content-length': '5' }))).toBe('continue');
    });
  });
});

describe('host names and origins', () => {
  it('reads Host headers', () => {
    expect(hostNameOf('Example.COM.:8080')).toBe('example.com');
    expect(hostNameOf('[::1]:3000')).toBe('::1');
    expect(hostNameOf('[zz::1]')).toBeNull();
    expect(hostNameOf('a/b')).toBeNull();
    expect(isAllowedHost('sub.lan.example', ['.lan.example'])).toBe(true);
    expect(isAllowedHost('evillan.example', ['.lan.example'])).toBe(false);
  });

  it('normalizes the configured entries', () => {
    expect(normalizeAllowedHost(' Weft.Example.COM. ')).toBe('weft.example.com');
    expect(normalizeAllowedHost('[::1]')).toBe('::1');
    expect(() => normalizeAllowedHost('*.example.com')).toThrow(/is not a host name or a \.domain/);
    expect(normalizeCorsOrigin('HTTPS://App.Example.com:443/')).toBe('https://app.example.com');
    expect(() => normalizeCorsOrigin('https://app.example.com/x')).toThrow(/is not an origin/);
  });

  it('knows its own origin by host and port', () => {
    expect(isOwnOrigin('http://localhost:3000', 'localhost:3000')).toBe(true);
    expect(isOwnOrigin('https://weft.example.com', 'weft.example.com')).toBe(true);
    expect(isOwnOrigin('http://localhost:3001', 'localhost:3000')).toBe(false);
    expect(isOwnOrigin('http://evil.example', 'localhost:3000')).toBe(false);
  });
});
