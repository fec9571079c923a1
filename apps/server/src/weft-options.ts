import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StepLimits } from '@weft/core';
import { DEFAULT_LEASE_MS, type HistoryDatabaseOptions } from '@weft/history';
import { DEFAULT_LOST_AFTER_MS } from '@weft/queue';
import type { DataSource, DataSourceOptions } from 'typeorm';

/**
 * Where Weft keeps its history:
 * - `{ url, schema? }`: Weft opens its own connection (SQLite file by default, or PostgreSQL);
 * - `{ typeorm }`: Weft opens its own connection with these TypeORM options (ssl, pool size in
 *   `extra`, …); `type` must be `postgres` or `better-sqlite3`; Weft adds its entities and migrations;
 * - `{ dataSource }`: the host's own TypeORM DataSource, whose `entities` include `HISTORY_ENTITIES`
 *   and whose migrations include `HISTORY_MIGRATIONS` (from `@weft/history`), already run. Weft
 *   neither initializes nor destroys it.
 */
export type WeftDatabaseOptions = HistoryDatabaseOptions | { readonly typeorm: DataSourceOptions } | { readonly dataSource: DataSource };

/** How the dashboard is served under Weft's path. */
export interface WeftDashboardOptions {
  /** Folder of the built dashboard. @default the dashboard inside `@weft/server` (null: none, a page with links instead) */
  readonly dir?: string | null;
  /** Header the dashboard sends the token the user typed in. @default 'Authorization' */
  readonly authHeader?: string;
  /** Scheme before the token in that header; null or '' sends the token alone. @default 'Bearer' */
  readonly authScheme?: string | null;
}

/** The HTTP checks and limits Weft applies to its own routes (before anything reads a body). */
export interface WeftHttpOptions {
  /** Largest request body: bytes, or a size such as `512kb`, `1mb`, `1MiB` (1 KiB to 1 GiB). @default '1mb' */
  readonly bodyLimit?: number | string;
  /**
   * Host names answered besides `localhost`, `*.localhost` and IP literals; `.example.com` also
   * covers its subdomains. Other `Host` headers get 421 (DNS rebinding). @default []
   */
  readonly allowedHosts?: readonly string[];
  /**
   * Origins (`https://app.example.com`) that may call the API from another origin, with CORS;
   * `'*'` only with `apiToken`. State-changing requests from other origins get 403. @default []
   */
  readonly corsOrigins?: readonly string[];
}

/** How Weft is configured: `WeftModule.forRoot(options)`, or what `forRootAsync`'s `useFactory` returns. */
export interface WeftModuleOptions {
  /** The history database. @default { url: 'sqlite:./data/weft.sqlite' } */
  readonly database?: WeftDatabaseOptions;
  /** Folder that workflows sent over the API resolve their scripts in. @default the working directory */
  readonly workspace?: string;
  /** Folder whose workflows (`<name>/workflow.yaml`, `*.yaml`…) are stored at startup; null for none. @default null */
  readonly examplesDir?: string | null;
  /**
   * Step processes running at once across all runs. @default twice the CPU count. With a queue it
   * caps the attempts running on all workers (per queue), and has no default: the workers' own
   * `--concurrency` caps them.
   */
  readonly maxProcesses?: number;
  /**
   * When set, every Weft route requires `Authorization: Bearer <token>`. Ignored when the module is
   * given its own `guard`. @default null
   */
  readonly apiToken?: string | null;
  /** Register the built-in `python`, `shell` and `node` step types. @default true */
  readonly builtinStepTypes?: boolean;
  /** The dashboard at Weft's path (`/` by default); false for none. @default {} */
  readonly dashboard?: WeftDashboardOptions | false;
  /** The OpenAPI document of Weft's routes at `<path>/api/docs-json`, with a page at `<path>/api/docs`. @default true */
  readonly docs?: boolean;
  /** Host, origin, content-type checks and body limit of Weft's routes. */
  readonly http?: WeftHttpOptions;
  /** Caps and grace periods of step processes. */
  readonly limits?: Partial<StepLimits>;
  /** Server-Sent Events: a `: heartbeat` comment this often on every open stream, in ms. @default 15000 */
  readonly sseHeartbeatMs?: number;
  /** Server-Sent Events: the reconnect delay sent to clients as `retry:`, in ms. @default 2000 */
  readonly sseRetryMs?: number;
  /** Server-Sent Events of a run another process runs (sharing the database): how often its event log is read, in ms. @default 1000 */
  readonly ssePollMs?: number;
  /** Time a shutdown waits for cancelled runs to record their end, in ms. @default 10000 */
  readonly shutdownGraceMs?: number;
  /**
   * How long a run's owner holds it without renewing (it renews every third of it), in ms: after
   * that, any server sharing the database takes the run over. @default 30000
   */
  readonly leaseMs?: number;
  /**
   * A run whose server was lost is finished by another server (or this one restarted): true; or
   * marked `interrupted` for a manual retry, for steps that must never run twice: false. @default true
   */
  readonly resume?: boolean;
  /**
   * Send step attempts to `weft worker` processes through BullMQ on this Redis
   * (`redis://host:port[/db]`) instead of running them here; `maxProcesses` then caps the attempts
   * running across the cluster. @default null (run them here)
   */
  readonly queueUrl?: string | null;
  /** With a queue: a worker silent this long is lost and its attempts run again elsewhere, in ms. @default 20000 (ten missed heartbeats) */
  readonly workerLostMs?: number;
  /** With a queue: the largest workflow folder shipped to workers, in bytes. @default 50 MiB */
  readonly bundleLimitBytes?: number;
}

/** {@link WeftModuleOptions} with every default applied. */
export interface ResolvedWeftOptions {
  readonly database: WeftDatabaseOptions;
  readonly workspace: string;
  readonly examplesDir: string | null;
  readonly maxProcesses: number;
  /** `maxProcesses` when it was given (with a queue it caps the whole cluster), else null. */
  readonly clusterMaxProcesses: number | null;
  readonly apiToken: string | null;
  readonly builtinStepTypes: boolean;
  readonly dashboard: Required<WeftDashboardOptions> | false;
  readonly docs: boolean;
  readonly http: WeftHttpOptions;
  readonly limits: Partial<StepLimits>;
  readonly sseHeartbeatMs: number;
  readonly sseRetryMs: number;
  readonly ssePollMs: number;
  readonly shutdownGraceMs: number;
  readonly leaseMs: number;
  readonly resume: boolean;
  readonly queueUrl: string | null;
  readonly workerLostMs: number;
  readonly bundleLimitBytes: number;
}

/** Injection token of the {@link ResolvedWeftOptions}. */
export const WEFT_OPTIONS = Symbol('WEFT_OPTIONS');

/** Applies the defaults and checks the values; throws a `TypeError` that names the bad option. */
export function resolveWeftOptions(options: WeftModuleOptions = {}): ResolvedWeftOptions {
  const maxProcesses = options.maxProcesses ?? 2 * availableParallelism();
  if (!Number.isInteger(maxProcesses) || maxProcesses < 1) {
    throw new TypeError(`Expected maxProcesses to be an integer of at least 1, got ${String(options.maxProcesses)}`);
  }
  const workspace = resolve(options.workspace ?? process.cwd());
  if (!existsSync(workspace)) throw new TypeError(`The workspace folder ${workspace} does not exist; create it or set WEFT_WORKSPACE`);
  return {
    database: options.database ?? {},
    workspace,
    examplesDir: options.examplesDir ? resolve(options.examplesDir) : null,
    maxProcesses,
    clusterMaxProcesses: options.maxProcesses ?? null,
    apiToken: options.apiToken || null,
    builtinStepTypes: options.builtinStepTypes ?? true,
    dashboard:
      options.dashboard === false
        ? false
        : {
            dir: options.dashboard?.dir === undefined ? packagedDashboardDir() : options.dashboard.dir ? resolve(options.dashboard.dir) : null,
            authHeader: headerName(options.dashboard?.authHeader ?? 'Authorization'),
            authScheme: options.dashboard?.authScheme === undefined ? 'Bearer' : options.dashboard.authScheme || null,
          },
    docs: options.docs ?? true,
    http: options.http ?? {},
    limits: options.limits ?? {},
    sseHeartbeatMs: positiveMs(options, 'sseHeartbeatMs', 15_000),
    sseRetryMs: positiveMs(options, 'sseRetryMs', 2_000),
    ssePollMs: positiveMs(options, 'ssePollMs', 1_000),
    shutdownGraceMs: options.shutdownGraceMs ?? 10_000,
    leaseMs: positiveMs(options, 'leaseMs', DEFAULT_LEASE_MS),
    resume: options.resume ?? true,
    queueUrl: options.queueUrl || null,
    workerLostMs: positiveMs(options, 'workerLostMs', DEFAULT_LOST_AFTER_MS),
    bundleLimitBytes: positiveMs(options, 'bundleLimitBytes', 50 * 1024 * 1024),
  };
}

/** The dashboard built into this package (`npm run build` puts it there), or null when it is not built. */
export function packagedDashboardDir(): string | null {
  const dir = fileURLToPath(new URL('../dashboard/', import.meta.url));
  return existsSync(resolve(dir, 'index.html')) ? resolve(dir) : null;
}

function headerName(name: string): string {
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new TypeError(`Expected dashboard.authHeader to be an HTTP header name, got '${name}'`);
  return name;
}

function positiveMs(
  options: WeftModuleOptions,
  name: 'sseHeartbeatMs' | 'sseRetryMs' | 'ssePollMs' | 'leaseMs' | 'workerLostMs' | 'bundleLimitBytes',
  fallback: number,
): number {
  const value = options[name] ?? fallback;
  if (!Number.isInteger(value) || value < 1) throw new TypeError(`Expected ${name} to be a whole number of milliseconds of at least 1, got ${String(options[name])}`);
  return value;
}
