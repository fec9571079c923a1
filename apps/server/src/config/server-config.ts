import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { normalizeAllowedHost } from '../security/allowed-hosts.js';
import { normalizeCorsOrigin } from '../security/cors-origins.js';
import type { WeftModuleOptions } from '../weft-options.js';

/** Everything `main.ts` reads from the environment. */
export interface ServerConfig {
  /** @default '127.0.0.1' (HOST) */
  readonly host: string;
  /** @default 3000 (PORT) */
  readonly port: number;
  /** Largest request body, in bytes. @default 1048576 (WEFT_BODY_LIMIT: `1mb`, `512kb`, `1MiB`, a byte count) */
  readonly bodyLimit: number;
  /**
   * Host names answered besides loopback names and IP literals: HOST when it is a name, and the
   * WEFT_ALLOWED_HOSTS entries (`.example.com` also covers its subdomains). @default []
   */
  readonly allowedHosts: readonly string[];
  /** Origins allowed to call the API from another origin, or `*` (only with a token). @default [] (WEFT_CORS_ORIGINS) */
  readonly corsOrigins: readonly string[];
  /** pino level. @default 'info' (LOG_LEVEL) */
  readonly logLevel: string;
  /** Built dashboard served at `/` (WEFT_DASHBOARD_DIR). @default null: the dashboard inside @weft/server */
  readonly dashboardDir: string | null;
  /**
   * Step-type plugins to load, as given: package names (found from the working directory) or paths
   * to modules, each exporting `stepTypes` (see `loadPlugins` in @weft/core). @default [] (WEFT_PLUGINS)
   */
  readonly plugins: string[];
  readonly weft: WeftModuleOptions;
}

/** A setting the server refuses to start with; the message says how to fix it. */
export class ServerConfigError extends Error {
  override readonly name = 'ServerConfigError';
}

/** True for 127.0.0.0/8, ::1 and `localhost`. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1' || bare === '::ffff:127.0.0.1';
}

/** Bounds of WEFT_BODY_LIMIT: 1 KiB to 1 GiB. */
export const BODY_LIMIT_BOUNDS = { min: 1024, max: 1024 ** 3 } as const;

/** Shortest WEFT_API_TOKEN accepted for a non-loopback HOST. */
export const MIN_TOKEN_LENGTH = 16;

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/**
 * Reads a size as people write it: a byte count (`1048576`), or a number with k, m or g, with or
 * without `b` or `ib` (`512kb`, `1mb`, `1MiB`, `1.5mb`, `2 MB`), case-insensitive. Every unit is a
 * power of 1024, as Express's body parser reads `mb`. Null when the text is not a size.
 */
export function parseByteSize(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?|\.\d+)\s*(?:([kmg])(?:i?b)?|(b))?$/i.exec(text.trim());
  if (!match) return null;
  return Math.floor(Number(match[1]) * SIZE_UNITS[(match[2] ?? match[3] ?? '').toLowerCase()]);
}

/**
 * A body limit as a number of bytes from a size ({@link parseByteSize}) or a number, within
 * {@link BODY_LIMIT_BOUNDS}; throws a ServerConfigError naming `name` and saying what it takes.
 */
export function parseBodyLimit(value: string | number, name = 'WEFT_BODY_LIMIT'): number {
  const bytes = typeof value === 'number' ? value : parseByteSize(value);
  if (bytes === null || !Number.isSafeInteger(bytes)) {
    throw new ServerConfigError(
      `${name} must be a size like 1048576, 512kb, 1mb or 1MiB (k, m and g are powers of 1024), got '${String(value)}'`,
    );
  }
  if (bytes < BODY_LIMIT_BOUNDS.min || bytes > BODY_LIMIT_BOUNDS.max) {
    throw new ServerConfigError(`${name} must be from 1kb to 1gb, got '${String(value)}' (${bytes} bytes)`);
  }
  return bytes;
}

/** A comma-separated list setting, each entry normalized; a bad entry is a ServerConfigError naming it. */
function listSetting(env: NodeJS.ProcessEnv, name: string, normalize: (entry: string) => string, example: string): string[] {
  const entries = (env[name] ?? '').split(',').map((entry) => entry.trim()).filter(Boolean);
  return entries.map((entry) => {
    try {
      return normalize(entry);
    } catch (error) {
      throw new ServerConfigError(`${name}: ${(error as Error).message}. Example: ${name}=${example}`, { cause: error });
    }
  });
}

/**
 * WEFT_PLUGINS: plugin specs separated by commas, each trimmed. An empty entry (`a,,b`, a trailing
 * comma) and the same spec twice are errors naming their position; unset or blank is none.
 */
function pluginsSetting(env: NodeJS.ProcessEnv): string[] {
  const raw = env.WEFT_PLUGINS;
  if (raw === undefined || raw.trim() === '') return [];
  const example = 'Example: WEFT_PLUGINS=@weft/plugin-http,./plugins/acme.mjs';
  const specs = raw.split(',').map((entry) => entry.trim());
  specs.forEach((spec, index) => {
    if (spec === '') {
      throw new ServerConfigError(
        `WEFT_PLUGINS: entry ${index + 1} of ${specs.length} is empty; list package names or paths to modules, separated by single commas. ${example}`,
      );
    }
    const first = specs.indexOf(spec);
    if (first !== index) {
      throw new ServerConfigError(`WEFT_PLUGINS: '${spec}' is listed twice (entries ${first + 1} and ${index + 1}); list each plugin once. ${example}`);
    }
  });
  return specs;
}

function onOff(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return undefined;
  if (['on', 'true', '1', 'yes'].includes(raw)) return true;
  if (['off', 'false', '0', 'no'].includes(raw)) return false;
  throw new ServerConfigError(`${name} must be on or off, got '${env[name]}'. Example: ${name}=off`);
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new ServerConfigError(`${name} must be an integer from 1 to ${max}, got '${raw}'`);
  }
  return value;
}

/**
 * Reads the server settings: HOST, PORT, DATABASE_URL, WEFT_WORKSPACE, WEFT_EXAMPLES_DIR,
 * WEFT_MAX_PROCESSES, WEFT_API_TOKEN, WEFT_BODY_LIMIT, WEFT_ALLOWED_HOSTS, WEFT_CORS_ORIGINS,
 * WEFT_LEASE_MS, WEFT_RESUME, WEFT_QUEUE_URL, WEFT_WORKER_LOST_MS, WEFT_BUNDLE_LIMIT, WEFT_PLUGINS, LOG_LEVEL, WEFT_DASHBOARD_DIR. Relative paths resolve against `cwd` (WEFT_PLUGINS entries stay as given: the plugin loader resolves them). Refuses a non-loopback HOST
 * without a WEFT_API_TOKEN of at least 16 characters, and `WEFT_CORS_ORIGINS=*` without a token.
 */
export function loadServerConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): ServerConfig {
  const host = env.HOST?.trim() || '127.0.0.1';
  const port = positiveInt(env, 'PORT', 65535) ?? 3000;
  const apiToken = env.WEFT_API_TOKEN?.trim() || null;
  if (!isLoopback(host) && !apiToken) {
    throw new ServerConfigError(
      `Refusing to listen on ${host} without WEFT_API_TOKEN: anyone who can reach it could run commands. ` +
        'Set WEFT_API_TOKEN to a long random secret (e.g. `openssl rand -hex 32`), or bind to 127.0.0.1.',
    );
  }
  if (!isLoopback(host) && apiToken && apiToken.length < MIN_TOKEN_LENGTH) {
    throw new ServerConfigError(
      `WEFT_API_TOKEN is ${apiToken.length} characters; a token for the non-loopback HOST ${host} must be at least ` +
        `${MIN_TOKEN_LENGTH} characters. Make one with \`openssl rand -hex 32\`.`,
    );
  }
  const allowedHosts = listSetting(env, 'WEFT_ALLOWED_HOSTS', normalizeAllowedHost, 'weft.example.com,.internal.example.com');
  const hostName = host.replace(/^\[|\]$/g, '');
  if (!isIP(hostName)) {
    const name = listSetting({ HOST: hostName }, 'HOST', normalizeAllowedHost, '127.0.0.1')[0];
    if (!allowedHosts.includes(name)) allowedHosts.unshift(name);
  }
  const corsOrigins = listSetting(env, 'WEFT_CORS_ORIGINS', normalizeCorsOrigin, 'https://app.example.com,http://localhost:5173');
  if (corsOrigins.includes('*') && !apiToken) {
    throw new ServerConfigError(
      'WEFT_CORS_ORIGINS=* lets any web page call this server; it is allowed only with WEFT_API_TOKEN set. ' +
        'List the origins instead (WEFT_CORS_ORIGINS=https://app.example.com), or set a token.',
    );
  }
  const examples = env.WEFT_EXAMPLES_DIR ? resolve(cwd, env.WEFT_EXAMPLES_DIR) : join(cwd, 'examples');
  const examplesDir = env.WEFT_EXAMPLES_DIR === '' ? null : existsSync(examples) ? examples : null;
  const dashboard = env.WEFT_DASHBOARD_DIR?.trim() ? resolve(cwd, env.WEFT_DASHBOARD_DIR.trim()) : null;
  if (dashboard && !existsSync(join(dashboard, 'index.html'))) {
    throw new ServerConfigError(`WEFT_DASHBOARD_DIR=${dashboard} has no index.html: point it at a built dashboard, or unset it to serve the one inside @weft/server`);
  }
  const url = env.DATABASE_URL?.trim() || 'sqlite:./data/weft.sqlite';
  const queueUrl = env.WEFT_QUEUE_URL?.trim() || null;
  if (queueUrl !== null && !/^rediss?:\/\/[^/]+(\/\d+)?\/?$/.test(queueUrl)) {
    throw new ServerConfigError(`WEFT_QUEUE_URL must look like redis://host:port[/db] (rediss:// for TLS), got '${queueUrl.replace(/:[^:@/]*@/, ':***@')}'`);
  }
  const sqlite = /^sqlite:(.+)$/i.exec(url);
  return {
    host,
    port,
    bodyLimit: parseBodyLimit(env.WEFT_BODY_LIMIT?.trim() || '1mb'),
    allowedHosts,
    corsOrigins,
    logLevel: env.LOG_LEVEL?.trim() || 'info',
    dashboardDir: dashboard,
    plugins: pluginsSetting(env),
    weft: {
      database: {
        url: sqlite && sqlite[1] !== ':memory:' ? `sqlite:${resolve(cwd, sqlite[1])}` : url,
        schema: env.DATABASE_SCHEMA?.trim() || undefined },
      workspace: resolve(cwd, env.WEFT_WORKSPACE ?? examplesDir ?? '.'),
      examplesDir,
      maxProcesses: positiveInt(env, 'WEFT_MAX_PROCESSES'),
      apiToken,
      leaseMs: positiveInt(env, 'WEFT_LEASE_MS', 3_600_000),
      resume: onOff(env, 'WEFT_RESUME'),
      queueUrl,
      workerLostMs: positiveInt(env, 'WEFT_WORKER_LOST_MS', 3_600_000),
      bundleLimitBytes: env.WEFT_BUNDLE_LIMIT?.trim() ? parseBodyLimit(env.WEFT_BUNDLE_LIMIT.trim(), 'WEFT_BUNDLE_LIMIT') : undefined,
    },
  };
}
