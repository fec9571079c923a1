import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLoopback, loadServerConfig, parseByteSize, ServerConfigError } from './server-config.js';

const TOKEN = '0123456789abcdef';

describe('loadServerConfig', () => {
  it('binds to 127.0.0.1:3000 with SQLite under ./data by default', () => {
    const config = loadServerConfig({}, '/srv/weft');
    expect(config).toMatchObject({ host: '127.0.0.1', port: 3000, bodyLimit: 1024 * 1024, logLevel: 'info', allowedHosts: [], corsOrigins: [] });
    expect(config.weft.database).toMatchObject({ url: 'sqlite:/srv/weft/data/weft.sqlite' });
    expect(config.weft.apiToken).toBeNull();
  });

  it('reads HOST, PORT, DATABASE_URL, WEFT_MAX_PROCESSES, WEFT_WORKSPACE and WEFT_API_TOKEN', () => {
    const config = loadServerConfig(
      { HOST: '0.0.0.0', PORT: '8080', DATABASE_URL: 'postgres://u@h/db', WEFT_MAX_PROCESSES: '3', WEFT_WORKSPACE: 'ws', WEFT_API_TOKEN: TOKEN },
      '/srv',
    );
    expect(config).toMatchObject({ host: '0.0.0.0', port: 8080 });
    expect(config.weft).toMatchObject({ database: { url: 'postgres://u@h/db' }, maxProcesses: 3, workspace: '/srv/ws', apiToken: TOKEN });
  });

  it('refuses a non-loopback address without a token, and says how to fix it', () => {
    expect(() => loadServerConfig({ HOST: '0.0.0.0' })).toThrow(ServerConfigError);
    expect(() => loadServerConfig({ HOST: '0.0.0.0' })).toThrow(/WEFT_API_TOKEN/);
  });

  it('refuses a token shorter than 16 characters for a non-loopback address, and says how to make one', () => {
    expect(() => loadServerConfig({ HOST: '0.0.0.0', WEFT_API_TOKEN: 't' })).toThrow(ServerConfigError);
    expect(() => loadServerConfig({ HOST: '0.0.0.0', WEFT_API_TOKEN: 'x'.repeat(15) })).toThrow(
      /WEFT_API_TOKEN is 15 characters.*at least 16 characters.*openssl rand -hex 32/,
    );
    expect(loadServerConfig({ HOST: '::', WEFT_API_TOKEN: 'x'.repeat(16) }).weft.apiToken).toHaveLength(16);
    expect(loadServerConfig({ WEFT_API_TOKEN: 't' }).weft.apiToken).toBe('t'); // loopback: any token
  });

  it('reads WEFT_BODY_LIMIT as people write it, in powers of 1024', () => {
    const cases: [string, number][] = [
      ['1048576', 1048576],
      ['512kb', 512 * 1024],
      ['1mb', 1024 ** 2],
      ['1MiB', 1024 ** 2],
      ['1.5mb', 1.5 * 1024 ** 2],
      ['2 MB', 2 * 1024 ** 2],
      ['64KiB', 64 * 1024],
      ['100k', 100 * 1024],
      ['1gb', 1024 ** 3],
      ['4096b', 4096],
    ];
    for (const [text, bytes] of cases) expect([text, loadServerConfig({ WEFT_BODY_LIMIT: text }).bodyLimit]).toEqual([text, bytes]);
  });

  it('refuses a WEFT_BODY_LIMIT it cannot read or out of 1kb..1gb, and says what it takes', () => {
    for (const text of ['1 furlong', 'mb', '1mbb', '-1mb', '1e6', '1,5mb', '1tb']) {
      expect(() => loadServerConfig({ WEFT_BODY_LIMIT: text })).toThrow(ServerConfigError);
      expect(() => loadServerConfig({ WEFT_BODY_LIMIT: text })).toThrow(new RegExp(`WEFT_BODY_LIMIT must be .*got '${text}'`));
    }
    expect(() => loadServerConfig({ WEFT_BODY_LIMIT: '1023' })).toThrow(/from 1kb to 1gb, got '1023'/);
    expect(() => loadServerConfig({ WEFT_BODY_LIMIT: '1.1gb' })).toThrow(/from 1kb to 1gb/);
    expect(parseByteSize('1MiB')).toBe(1048576);
    expect(parseByteSize('1 furlong')).toBeNull();
  });

  it('reads WEFT_ALLOWED_HOSTS and adds HOST when it is a name', () => {
    expect(loadServerConfig({ WEFT_ALLOWED_HOSTS: ' Weft.Example.com, .lan.example. ,' }).allowedHosts).toEqual(['weft.example.com', '.lan.example']);
    expect(loadServerConfig({ HOST: 'build-box', WEFT_API_TOKEN: TOKEN, WEFT_ALLOWED_HOSTS: 'a.example' }).allowedHosts).toEqual([
      'build-box',
      'a.example',
    ]);
    expect(loadServerConfig({ HOST: '0.0.0.0', WEFT_API_TOKEN: TOKEN }).allowedHosts).toEqual([]);
    expect(() => loadServerConfig({ WEFT_ALLOWED_HOSTS: 'ok.example,https://weft.example.com' })).toThrow(
      /WEFT_ALLOWED_HOSTS: 'https:\/\/weft.example.com' is not a host name.*no scheme, port or path/,
    );
    expect(() => loadServerConfig({ WEFT_ALLOWED_HOSTS: 'weft.example.com:8080' })).toThrow(ServerConfigError);
  });

  it('reads WEFT_CORS_ORIGINS as exact origins and names a bad entry', () => {
    expect(loadServerConfig({ WEFT_CORS_ORIGINS: 'https://App.Example.com, http://localhost:5173/,https://x.example:443' }).corsOrigins).toEqual([
      'https://app.example.com',
      'http://localhost:5173',
      'https://x.example',
    ]);
    for (const bad of ['app.example.com', 'ftp://app.example.com', 'https://app.example.com/path', 'https://u:p@app.example.com', 'https://app.example.com?x=1', 'null']) {
      expect(() => loadServerConfig({ WEFT_CORS_ORIGINS: `https://ok.example,${bad}` })).toThrow(ServerConfigError);
      expect(() => loadServerConfig({ WEFT_CORS_ORIGINS: `https://ok.example,${bad}` })).toThrow(`WEFT_CORS_ORIGINS: '${bad}' is not an origin`);
    }
  });

  it('allows WEFT_CORS_ORIGINS=* only with a token', () => {
    expect(() => loadServerConfig({ WEFT_CORS_ORIGINS: '*' })).toThrow(/only with WEFT_API_TOKEN/);
    expect(loadServerConfig({ WEFT_CORS_ORIGINS: '*', WEFT_API_TOKEN: 't' }).corsOrigins).toEqual(['*']);
  });

  it('rejects bad numbers', () => {
    expect(() => loadServerConfig({ PORT: 'http' })).toThrow(/PORT must be an integer from 1 to 65535, got 'http'/);
    expect(() => loadServerConfig({ WEFT_MAX_PROCESSES: '0' })).toThrow(/WEFT_MAX_PROCESSES/);
  });

  it('reads WEFT_LEASE_MS and WEFT_RESUME, and says how to fix a bad one', () => {
    expect(loadServerConfig({}).weft).toMatchObject({ leaseMs: undefined, resume: undefined });
    expect(loadServerConfig({ WEFT_LEASE_MS: '5000', WEFT_RESUME: 'off' }).weft).toMatchObject({ leaseMs: 5000, resume: false });
    expect(loadServerConfig({ WEFT_RESUME: 'On' }).weft.resume).toBe(true);
    expect(() => loadServerConfig({ WEFT_RESUME: 'later' })).toThrow("WEFT_RESUME must be on or off, got 'later'. Example: WEFT_RESUME=off");
    expect(() => loadServerConfig({ WEFT_LEASE_MS: '30s' })).toThrow("WEFT_LEASE_MS must be an integer from 1 to 3600000, got '30s'");
  });

  it('reads the queue settings, and says how to fix a bad one', () => {
    expect(loadServerConfig({}).weft).toMatchObject({ queueUrl: null, workerLostMs: undefined, bundleLimitBytes: undefined });
    expect(loadServerConfig({ WEFT_QUEUE_URL: 'redis://10.0.0.5:6379/2', WEFT_WORKER_LOST_MS: '5000', WEFT_BUNDLE_LIMIT: '10mb' }).weft).toMatchObject({
      queueUrl: 'redis://10.0.0.5:6379/2',
      workerLostMs: 5000,
      bundleLimitBytes: 10 * 1024 * 1024,
    });
    expect(loadServerConfig({ WEFT_QUEUE_URL: 'rediss://:secret@redis.internal:6380' }).weft.queueUrl).toBe('rediss://:secret@redis.internal:6380');
    expect(() => loadServerConfig({ WEFT_QUEUE_URL: 'http://:hunter2@redis:6379' })).toThrow(
      "WEFT_QUEUE_URL must look like redis://host:port[/db] (rediss:// for TLS), got 'http://:***@redis:6379'",
    );
    expect(() => loadServerConfig({ WEFT_QUEUE_URL: 'redis://host:6379/zero' })).toThrow(/WEFT_QUEUE_URL must look like/);
    expect(() => loadServerConfig({ WEFT_WORKER_LOST_MS: '30s' })).toThrow("WEFT_WORKER_LOST_MS must be an integer from 1 to 3600000, got '30s'");
    expect(() => loadServerConfig({ WEFT_BUNDLE_LIMIT: 'huge' })).toThrow(/WEFT_BUNDLE_LIMIT must be a size like 1048576, 512kb, 1mb or 1MiB/);
  });

  it('reads WEFT_PLUGINS as a comma-separated list of specs, trimmed, none by default', () => {
    expect(loadServerConfig({}, '/srv').plugins).toEqual([]);
    expect(loadServerConfig({ WEFT_PLUGINS: '  ' }).plugins).toEqual([]);
    expect(loadServerConfig({ WEFT_PLUGINS: '@weft/plugin-http' }).plugins).toEqual(['@weft/plugin-http']);
    expect(loadServerConfig({ WEFT_PLUGINS: ' @weft/plugin-http , ./plugins/acme.mjs,/opt/weft/s3.cjs ' }, '/srv').plugins).toEqual([
      '@weft/plugin-http',
      './plugins/acme.mjs',
      '/opt/weft/s3.cjs',
    ]);
  });

  it('refuses an empty WEFT_PLUGINS entry or one listed twice, naming its position', () => {
    expect(() => loadServerConfig({ WEFT_PLUGINS: 'a,,b' })).toThrow(ServerConfigError);
    expect(() => loadServerConfig({ WEFT_PLUGINS: 'a,,b' })).toThrow(
      'WEFT_PLUGINS: entry 2 of 3 is empty; list package names or paths to modules, separated by single commas. Example: WEFT_PLUGINS=@weft/plugin-http,./plugins/acme.mjs',
    );
    expect(() => loadServerConfig({ WEFT_PLUGINS: '@weft/plugin-http,' })).toThrow(/^WEFT_PLUGINS: entry 2 of 2 is empty/);
    expect(() => loadServerConfig({ WEFT_PLUGINS: ', a' })).toThrow(/^WEFT_PLUGINS: entry 1 of 2 is empty/);
    expect(() => loadServerConfig({ WEFT_PLUGINS: 'a, b ,a' })).toThrow(/^WEFT_PLUGINS: 'a' is listed twice \(entries 1 and 3\); list each plugin once/);
  });

  it('serves the dashboard inside the package unless WEFT_DASHBOARD_DIR names a built one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'weft-dashboard-'));
    try {
      expect(loadServerConfig({}, dir).dashboardDir).toBeNull();
      expect(() => loadServerConfig({ WEFT_DASHBOARD_DIR: 'nowhere' }, dir)).toThrow(/WEFT_DASHBOARD_DIR=.*nowhere has no index\.html/);
      writeFileSync(join(dir, 'index.html'), '<!doctype html>');
      expect(loadServerConfig({ WEFT_DASHBOARD_DIR: '.' }, dir).dashboardDir).toBe(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('knows loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopback(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.1', 'example.internal']) expect(isLoopback(host)).toBe(false);
  });
});
