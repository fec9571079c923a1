import { canonicalPath, isApiPath } from './canonical-path.js';

describe('canonicalPath', () => {
  it('gives one path for every spelling of /api/docs-json', () => {
    for (const target of [
      '/api/docs-json',
      '/API/docs-json',
      '/Api/Docs-Json',
      '/api//docs-json',
      '//api///docs-json/',
      '/api/%64ocs-json',
      '/%61%70%69/docs-json',
      '/api/%2564ocs-json',
      '/api/./docs-json',
      '/x/../api/docs-json',
      '/../api/docs-json',
      '/api\\docs-json',
      '/api%2fdocs-json',
      '/api/docs-json?x=/other',
      'http://127.0.0.1:3000/API/docs-json',
    ]) {
      expect([target, canonicalPath(target)]).toEqual([target, '/api/docs-json']);
    }
  });

  it('keeps a malformed escape as text instead of giving up', () => {
    expect(canonicalPath('/api/%zz/%64ocs')).toBe('/api/%zz/docs');
    expect(canonicalPath('/%')).toBe('/%');
  });

  it('knows the /api paths', () => {
    for (const path of ['/api', '/api/', '/API/x', '/a/../api/health']) expect(isApiPath(canonicalPath(path))).toBe(true);
    for (const path of ['/', '/apis', '/index.html', '/x/api', '/api../x']) expect(isApiPath(canonicalPath(path))).toBe(false);
  });
});
