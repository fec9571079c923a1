import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { HistoryDatabaseOptions } from '../history-data-source';

/** A database for one test file; `dispose()` removes it. */
export interface TestDatabase {
  readonly kind: 'sqlite' | 'postgres';
  readonly options: HistoryDatabaseOptions;
  dispose(): Promise<void>;
}

/** PostgreSQL the tests use: 127.0.0.1:5432, database `test`, trust auth. */
export const TEST_POSTGRES_URL = process.env.WEFT_TEST_POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/test';

/** The kinds to run database tests on; `WEFT_TEST_POSTGRES=0` leaves PostgreSQL out. */
export const TEST_DATABASE_KINDS: readonly ('sqlite' | 'postgres')[] =
  process.env.WEFT_TEST_POSTGRES === '0' ? ['sqlite'] : ['sqlite', 'postgres'];

/** A fresh SQLite file in a temporary folder. */
export function sqliteTestDatabase(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'weft-history-'));
  return {
    kind: 'sqlite',
    options: { url: `sqlite:${join(dir, 'weft.sqlite')}` },
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A fresh schema in the test PostgreSQL, so parallel test files never share tables. */
export async function postgresTestDatabase(): Promise<TestDatabase> {
  const schema = `weft_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE SCHEMA "${schema}"`);
  return {
    kind: 'postgres',
    options: { url: TEST_POSTGRES_URL, schema },
    dispose: () => adminQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`),
  };
}

async function adminQuery(sql: string): Promise<void> {
  const admin = new DataSource({ type: 'postgres', url: TEST_POSTGRES_URL });
  await admin.initialize();
  try {
    await admin.query(sql);
  } finally {
    await admin.destroy();
  }
}

/** A fresh database of the given kind. */
export function testDatabase(kind: 'sqlite' | 'postgres'): Promise<TestDatabase> {
  return kind === 'sqlite' ? Promise.resolve(sqliteTestDatabase()) : postgresTestDatabase();
}
