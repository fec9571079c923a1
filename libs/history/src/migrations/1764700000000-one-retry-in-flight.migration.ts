import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Races the database settles: a workflow text stored twice at once is one row (unique on content,
 * folder and name), and a run has at most one retry in flight (a unique index on `retry_of` over
 * running runs). Duplicates left by earlier races are merged first: runs of a duplicate workflow
 * point at the row kept, and of several running retries of one run all but one become `interrupted`.
 */
export class OneRetryInFlight1764700000000 implements MigrationInterface {
  readonly name = 'OneRetryInFlight1764700000000';

  async up(runner: QueryRunner): Promise<void> {
    const workflows = tableName(runner, 'weft_workflows');
    const runs = tableName(runner, 'weft_runs');
    await runner.query(
      `UPDATE ${runs} SET workflow_id = (SELECT MIN(k.id) FROM ${workflows} d JOIN ${workflows} k ` +
        `ON k.hash = d.hash AND k.root_dir = d.root_dir AND k.name = d.name WHERE d.id = ${runs}.workflow_id) ` +
        'WHERE workflow_id IS NOT NULL',
    );
    await runner.query(`DELETE FROM ${workflows} WHERE id NOT IN (SELECT MIN(id) FROM ${workflows} GROUP BY hash, root_dir, name)`);
    await runner.createIndex(
      'weft_workflows',
      new TableIndex({ name: 'uq_weft_workflows_content', columnNames: ['hash', 'root_dir', 'name'], isUnique: true }),
    );
    await runner.query(
      `UPDATE ${runs} SET status = 'interrupted' WHERE status = 'running' AND retry_of IS NOT NULL AND id NOT IN ` +
        `(SELECT MIN(id) FROM ${runs} WHERE status = 'running' AND retry_of IS NOT NULL GROUP BY retry_of)`,
    );
    await runner.createIndex(
      'weft_runs',
      new TableIndex({ name: 'uq_weft_runs_retry_in_flight', columnNames: ['retry_of'], isUnique: true, where: "status = 'running'" }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropIndex('weft_runs', 'uq_weft_runs_retry_in_flight');
    await runner.dropIndex('weft_workflows', 'uq_weft_workflows_content');
  }
}

/** A table's name for raw SQL: quoted, and in the configured PostgreSQL schema when there is one. */
function tableName(runner: QueryRunner, name: string): string {
  const driver = runner.connection.driver;
  const schema = (runner.connection.options as { schema?: string }).schema;
  return schema ? `${driver.escape(schema)}.${driver.escape(name)}` : driver.escape(name);
}
