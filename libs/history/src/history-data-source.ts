import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { RunEventEntity } from './entities/run-event.entity';
import { RunEntity } from './entities/run.entity';
import { ServerEntity } from './entities/server.entity';
import { StepRunEntity } from './entities/step-run.entity';
import { WorkflowEntity } from './entities/workflow.entity';
import { HISTORY_MIGRATIONS } from './migrations';

/** Every entity of the history schema. */
export const HISTORY_ENTITIES = [WorkflowEntity, RunEntity, StepRunEntity, RunEventEntity, ServerEntity];

/** Where the history lives. */
export interface HistoryDatabaseOptions {
  /**
   * `sqlite:<path>` (relative to the working directory; `sqlite::memory:` for a throw-away one),
   * or `postgres://user@host:port/db` (also `postgresql://`).
   * @default 'sqlite:./data/weft.sqlite'
   */
  readonly url?: string;
  /** PostgreSQL schema to use (must exist). @default the connection's search_path */
  readonly schema?: string;
  /** Create the tables from the entities instead of running migrations. Tests only. @default false */
  readonly synchronize?: boolean;
  /** Log SQL. @default false */
  readonly logging?: boolean;
}

export const DEFAULT_DATABASE_URL = 'sqlite:./data/weft.sqlite';

/** Thrown for a `DATABASE_URL` Weft cannot use; the message says what is accepted. */
export class DatabaseUrlError extends Error {
  override readonly name = 'DatabaseUrlError';
  constructor(readonly url: string) {
    super(
      `Unsupported database URL '${redact(url)}'. Use sqlite:<path> (e.g. sqlite:./data/weft.sqlite) ` +
        'or postgres://user[:password]@host[:port]/database.',
    );
  }
}

/** Hides the password of a connection URL for messages and logs. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

/**
 * TypeORM options for the history database: entities, migrations (run on start unless
 * `synchronize`), and the driver chosen from the URL. Creates the SQLite file's folder.
 */
export function historyDataSourceOptions(options: HistoryDatabaseOptions = {}): DataSourceOptions {
  const url = options.url?.trim() || DEFAULT_DATABASE_URL;
  const common = {
    entities: HISTORY_ENTITIES,
    migrations: HISTORY_MIGRATIONS,
    migrationsTableName: 'weft_migrations',
    migrationsRun: !options.synchronize,
    synchronize: options.synchronize ?? false,
    logging: options.logging ?? false,
  };
  if (/^postgres(ql)?:\/\//i.test(url)) {
    return { type: 'postgres', url, ...(options.schema ? { schema: options.schema } : {}), ...common };
  }
  const match = /^sqlite:(.+)$/i.exec(url);
  if (!match) throw new DatabaseUrlError(url);
  const path = match[1].replace(/^\/\/(?=\/)/, '');
  if (path === ':memory:') return { type: 'better-sqlite3', database: ':memory:', ...common };
  const database = resolve(path);
  mkdirSync(dirname(database), { recursive: true });
  return {
    type: 'better-sqlite3',
    database,
    // WAL lets readers (the API) go on while a step result is written.
    enableWAL: true,
    prepareDatabase: (db: { pragma(statement: string): unknown }) => {
      db.pragma('busy_timeout = 5000');
    },
    ...common,
  };
}
