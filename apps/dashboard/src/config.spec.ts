import { authHeaders, dashboardConfig, DEFAULT_CONFIG, readDashboardConfig, resetDashboardConfig, usesAuthorizationHeader } from './config';

/** A document whose head holds `html`. */
function page(html: string): Document {
  const doc = document.implementation.createHTMLDocument('Weft');
  doc.head.innerHTML = html;
  return doc;
}

/** The tag as the server writes it: JSON with HTML escapes. */
const tag = (json: unknown) => `<meta name="weft-config" content="${JSON.stringify(json).replace(/"/g, '&#34;')}">`;

describe('readDashboardConfig', () => {
  it('gives the defaults for the built page, {}', () => {
    expect(readDashboardConfig(page('<meta name="weft-config" content="{}" />'))).toEqual({ authHeader: 'Authorization', authScheme: 'Bearer' });
  });

  it('reads the header and scheme the server writes, HTML-escaped', () => {
    expect(readDashboardConfig(page(tag({ authHeader: 'X-Api-Key', authScheme: null })))).toEqual({ authHeader: 'X-Api-Key', authScheme: null });
    expect(readDashboardConfig(page(tag({ authHeader: 'Authorization', authScheme: 'Token' })))).toEqual({ authHeader: 'Authorization', authScheme: 'Token' });
    expect(readDashboardConfig(page(tag({ authScheme: '' })))).toEqual({ authHeader: 'Authorization', authScheme: null });
  });

  it('tolerates a missing tag, JSON that does not parse, and fields of the wrong type', () => {
    expect(readDashboardConfig(page(''))).toEqual(DEFAULT_CONFIG);
    expect(readDashboardConfig(page('<meta name="weft-config">'))).toEqual(DEFAULT_CONFIG);
    expect(readDashboardConfig(page('<meta name="weft-config" content="{not json">'))).toEqual(DEFAULT_CONFIG);
    expect(readDashboardConfig(page(tag(['X-Api-Key'])))).toEqual(DEFAULT_CONFIG);
    expect(readDashboardConfig(page(tag('X-Api-Key')))).toEqual(DEFAULT_CONFIG);
    expect(readDashboardConfig(page(tag({ authHeader: 42, authScheme: 7 })))).toEqual(DEFAULT_CONFIG);
    expect(readDashboardConfig(page(tag({ authHeader: 'not a header', authScheme: 'two words' })))).toEqual(DEFAULT_CONFIG);
  });
});

describe('dashboardConfig', () => {
  afterEach(() => {
    document.head.innerHTML = '';
    resetDashboardConfig();
  });

  it("reads the page's tag once", () => {
    document.head.innerHTML = tag({ authHeader: 'X-Api-Key', authScheme: null });
    resetDashboardConfig();
    expect(dashboardConfig()).toEqual({ authHeader: 'X-Api-Key', authScheme: null });
    document.head.innerHTML = tag({});
    expect(dashboardConfig()).toEqual({ authHeader: 'X-Api-Key', authScheme: null });
  });
});

describe('authHeaders', () => {
  it('sends a bearer Authorization header by default', () => {
    expect(authHeaders('s3cret', DEFAULT_CONFIG)).toEqual({ Authorization: 'Bearer s3cret' });
  });

  it('sends the token alone in the configured header without a scheme', () => {
    expect(authHeaders('k1', { authHeader: 'X-Api-Key', authScheme: null })).toEqual({ 'X-Api-Key': 'k1' });
  });

  it('uses the configured scheme', () => {
    expect(authHeaders('abc', { authHeader: 'Authorization', authScheme: 'Token' })).toEqual({ Authorization: 'Token abc' });
  });

  it('sends nothing without a token', () => {
    expect(authHeaders(null, DEFAULT_CONFIG)).toEqual({});
    expect(authHeaders('', { authHeader: 'X-Api-Key', authScheme: null })).toEqual({});
  });
});

describe('usesAuthorizationHeader', () => {
  it('compares the header name case-insensitively', () => {
    expect(usesAuthorizationHeader(DEFAULT_CONFIG)).toBe(true);
    expect(usesAuthorizationHeader({ authHeader: 'authorization', authScheme: 'Bearer' })).toBe(true);
    expect(usesAuthorizationHeader({ authHeader: 'X-Api-Key', authScheme: null })).toBe(false);
  });
});
