import { isLoopback, loadServerConfig, ServerConfigError } from './server-config.js';

describe('loadServerConfig', () => {
  it('binds to 127.0.0.1:3000 with SQLite under ./data by default', () => {
    const config = loadServerConfig({}, '/srv/weft');
    expect(config).toMatchObject({ host: '127.0.0.1', port: 3000, bodyLimit: '1mb', logLevel: 'info' });
    expect(config.weft.database?.url).toBe('sqlite:/srv/weft/data/weft.sqlite');
    expect(config.weft.apiToken).toBeNull();
  });

  it('reads HOST, PORT, DATABASE_URL, WEFT_MAX_PROCESSES, WEFT_WORKSPACE and WEFT_API_TOKEN', () => {
    const config = loadServerConfig(
      { HOST: '0.0.0.0', PORT: '8080', DATABASE_URL: 'postgres://u@h/db', WEFT_MAX_PROCESSES: '3', WEFT_WORKSPACE: 'ws', WEFT_API_TOKEN: 't' },
      '/srv',
    );
    expect(config).toMatchObject({ host: '0.0.0.0', port: 8080 });
    expect(config.weft).toMatchObject({ database: { url: 'postgres://u@h/db' }, maxProcesses: 3, workspace: '/srv/ws', apiToken: 't' });
  });

  it('refuses a non-loopback address without a token, and says how to fix it', () => {
    expect(() => loadServerConfig({ HOST: '0.0.0.0' })).toThrow(ServerConfigError);
    expect(() => loadServerConfig({ HOST: '0.0.0.0' })).toThrow(/WEFT_API_TOKEN/);
  });

  it('rejects bad numbers', () => {
    expect(() => loadServerConfig({ PORT: 'http' })).toThrow(/PORT must be an integer from 1 to 65535, got 'http'/);
    expect(() => loadServerConfig({ WEFT_MAX_PROCESSES: '0' })).toThrow(/WEFT_MAX_PROCESSES/);
  });

  it('knows loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopback(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.1', 'example.internal']) expect(isLoopback(host)).toBe(false);
  });
});
