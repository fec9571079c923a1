import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HISTORY_ENTITIES, HISTORY_MIGRATIONS, HistoryStore } from '@weft/history';
import { TEST_DATABASE_KINDS, TEST_POSTGRES_URL, testDatabase } from '@weft/history/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { WeftModule, type WeftModuleForRootOptions } from '../src/weft.module.js';
import { tempDir } from './e2e-helpers.js';

async function host(options: WeftModuleForRootOptions): Promise<INestApplication> {
  @Module({ imports: [WeftModule.forRoot(options)] })
  class HostModule {}
  const app = await NestFactory.create(HostModule, { logger: false, abortOnError: false });
  await app.init();
  return app;
}

async function runOnce(app: INestApplication): Promise<string> {
  const http = app.getHttpServer();
  const { body: created } = await request(http).post('/api/workflows').set('Content-Type', 'application/yaml').send('steps:\n  - { id: a, type: shell, run: echo hi }\n').expect(201);
  const { body: started } = await request(http).post(`/api/workflows/${created.id}/runs`).send({}).expect(202);
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; await new Promise((done) => setTimeout(done, 50))) {
    const { body } = await request(http).get(`/api/runs/${started.runId}`).expect(200);
    if (body.status !== 'running') return body.status;
  }
  throw new Error('the run did not end');
}

describe("WeftModule's database options", () => {
  const ws = tempDir();
  afterAll(() => ws.dispose());

  it("keeps its history in the host's own DataSource, and leaves it open", async () => {
    const dataSource = new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: [...HISTORY_ENTITIES], migrations: [...HISTORY_MIGRATIONS], migrationsRun: true });
    await dataSource.initialize();
    const app = await host({ database: { dataSource }, workspace: ws.path, dashboard: false, docs: false });
    try {
      expect(app.get(HistoryStore)).toBeInstanceOf(HistoryStore);
      // docs: false and dashboard: false leave those routes out.
      await request(app.getHttpServer()).get('/api/docs-json').expect(404);
      await request(app.getHttpServer()).get('/api/docs').expect(404);
      await request(app.getHttpServer()).get('/').expect(404);
      expect(await runOnce(app)).toBe('succeeded');
      const rows: { n: number }[] = await dataSource.query('SELECT COUNT(*) AS n FROM weft_runs');
      expect(Number(rows[0].n)).toBe(1);
    } finally {
      await app.close();
    }
    expect(dataSource.isInitialized).toBe(true);
    await dataSource.destroy();
  });

  it("refuses a host DataSource that does not know Weft's tables, saying what to add", async () => {
    const dataSource = new DataSource({ type: 'better-sqlite3', database: ':memory:' });
    await expect(host({ database: { dataSource }, workspace: ws.path })).rejects.toThrow(/add HISTORY_ENTITIES to its entities and HISTORY_MIGRATIONS/);
    if (dataSource.isInitialized) await dataSource.destroy();
  });

  (TEST_DATABASE_KINDS.includes('postgres') ? it : it.skip)('opens its own connection from full TypeORM options (pool size, schema)', async () => {
    const db = await testDatabase('postgres');
    const app = await host({
      database: { typeorm: { type: 'postgres', url: TEST_POSTGRES_URL, schema: db.options.schema, extra: { max: 2 }, applicationName: 'weft-embedded' } },
      workspace: ws.path,
    });
    try {
      expect(await runOnce(app)).toBe('succeeded');
      const { body } = await request(app.getHttpServer()).get('/api/health').expect(200);
      expect(body).toMatchObject({ status: 'ok' });
    } finally {
      await app.close();
      await db.dispose();
    }
  });

  it('refuses TypeORM options of a database it does not support', async () => {
    await expect(host({ database: { typeorm: { type: 'mysql', host: '127.0.0.1' } }, workspace: ws.path })).rejects.toThrow(
      /database.typeorm.type to be 'postgres' or 'better-sqlite3', got 'mysql'/,
    );
  });
});
