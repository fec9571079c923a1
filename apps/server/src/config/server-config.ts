import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import type { WeftModuleOptions } from '../weft-options.js';

/** Everything `main.ts` reads from the environment. */
export interface ServerConfig {
  /** @default '127.0.0.1' (HOST) */
  readonly host: string;
  /** @default 3000 (PORT) */
  readonly port: number;
  /** Largest request body. @default '1mb' (WEFT_BODY_LIMIT) */
  readonly bodyLimit: string;
  /** pino level. @default 'info' (LOG_LEVEL) */
  readonly logLevel: string;
  /** Built dashboard served at `/`, when it exists. @default apps/dashboard/dist */
  readonly dashboardDir: string | null;
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
 * WEFT_MAX_PROCESSES, WEFT_API_TOKEN, WEFT_BODY_LIMIT, LOG_LEVEL, WEFT_DASHBOARD_DIR.
 * Relative paths resolve against `cwd`. Refuses a non-loopback HOST without WEFT_API_TOKEN.
 */
export function loadServerConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): ServerConfig {
  const host = env.HOST?.trim() || '127.0.0.1';
  const port = positiveInt(env, 'PORT', 65535) ?? 3000;
  const apiToken = env.WEFT_API_TOKEN?.trim() || null;
  if (!isLoopback(host) && !apiToken) {
    throw new ServerConfigError(
      `Refusing to listen on ${host} without WEFT_API_TOKEN: anyone who can reach it could run commands. ` +
        'Set WEFT_API_TOKEN to a long random secret, or bind to 127.0.0.1.',
    );
  }
  const examples = env.WEFT_EXAMPLES_DIR ? resolve(cwd, env.WEFT_EXAMPLES_DIR) : join(cwd, 'examples');
  const examplesDir = env.WEFT_EXAMPLES_DIR === '' ? null : existsSync(examples) ? examples : null;
  const dashboard = resolve(cwd, env.WEFT_DASHBOARD_DIR ?? 'apps/dashboard/dist');
  const url = env.DATABASE_URL?.trim() || 'sqlite:./data/weft.sqlite';
  const sqlite = /^sqlite:(.+)$/i.exec(url);
  return {
    host,
    port,
    bodyLimit: env.WEFT_BODY_LIMIT?.trim() || '1mb',
    logLevel: env.LOG_LEVEL?.trim() || 'info',
    dashboardDir: existsSync(join(dashboard, 'index.html')) ? dashboard : null,
    weft: {
      database: {
        url: sqlite && sqlite[1] !== ':memory:' ? `sqlite:${resolve(cwd, sqlite[1])}` : url,
        schema: env.DATABASE_SCHEMA?.trim() || undefined },
      workspace: resolve(cwd, env.WEFT_WORKSPACE ?? examplesDir ?? '.'),
      examplesDir,
      maxProcesses: positiveInt(env, 'WEFT_MAX_PROCESSES'),
      apiToken,
    },
  };
}
