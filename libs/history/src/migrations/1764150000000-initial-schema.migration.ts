import { Table, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

const iso = { type: 'varchar', length: '30' } as const;

/** The first schema: workflows, runs and step runs. Written with TypeORM's portable table API. */
export class InitialSchema1764150000000 implements MigrationInterface {
  readonly name = 'InitialSchema1764150000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      new Table({
        name: 'weft_workflows',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'hash', type: 'varchar', length: '64' },
          { name: 'format', type: 'varchar', length: '8' },
          { name: 'definition', type: 'text' },
          { name: 'root_dir', type: 'text' },
          { name: 'source_path', type: 'text', isNullable: true },
          { name: 'created_at', ...iso },
        ],
        indices: [new TableIndex({ name: 'idx_weft_workflows_hash', columnNames: ['hash'] })],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'weft_runs',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'workflow_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'workflow_name', type: 'varchar', length: '200' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'max_parallel', type: 'integer' },
          { name: 'started_at', ...iso },
          { name: 'finished_at', ...iso, isNullable: true },
          { name: 'makespan_ms', type: 'integer', isNullable: true },
          { name: 'sequential_ms', type: 'integer', isNullable: true },
          { name: 'speedup', type: 'double precision', isNullable: true },
          { name: 'ideal_speedup', type: 'double precision', isNullable: true },
          { name: 'peak_parallelism', type: 'integer', isNullable: true },
          { name: 'critical_path', type: 'text', isNullable: true },
          { name: 'plan', type: 'text', isNullable: true },
          { name: 'retry_of', type: 'varchar', length: '36', isNullable: true },
          { name: 'error', type: 'text', isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'idx_weft_runs_workflow', columnNames: ['workflow_id', 'started_at'] }),
          new TableIndex({ name: 'idx_weft_runs_status', columnNames: ['status'] }),
          new TableIndex({ name: 'idx_weft_runs_name', columnNames: ['workflow_name', 'started_at'] }),
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_weft_runs_workflow',
            columnNames: ['workflow_id'],
            referencedTableName: 'weft_workflows',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
          }),
        ],
      }),
    );
    await runner.createTable(
      new Table({
        name: 'weft_step_runs',
        columns: [
          { name: 'run_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'step_id', type: 'varchar', length: '200', isPrimary: true },
          { name: 'position', type: 'integer' },
          { name: 'type', type: 'varchar', length: '100' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'reason', type: 'varchar', length: '32', isNullable: true },
          { name: 'message', type: 'text', isNullable: true },
          { name: 'started_at', ...iso, isNullable: true },
          { name: 'finished_at', ...iso, isNullable: true },
          { name: 'duration_ms', type: 'integer', isNullable: true },
          { name: 'exit_code', type: 'integer', isNullable: true },
          { name: 'signal', type: 'varchar', length: '16', isNullable: true },
          { name: 'attempts', type: 'integer', default: 0 },
          { name: 'outputs', type: 'text', isNullable: true },
          { name: 'items', type: 'text', isNullable: true },
          { name: 'log', type: 'text', isNullable: true },
          { name: 'lane', type: 'integer', isNullable: true },
          { name: 'running_at_start', type: 'integer', isNullable: true },
          { name: 'reused', type: 'boolean', default: false },
          { name: 'hash', type: 'varchar', length: '128', isNullable: true },
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_weft_step_runs_run',
            columnNames: ['run_id'],
            referencedTableName: 'weft_runs',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('weft_step_runs');
    await runner.dropTable('weft_runs');
    await runner.dropTable('weft_workflows');
  }
}
