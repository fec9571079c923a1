import { Table, TableForeignKey, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The append-only event log: every event of a run (but its log chunks) with its per-run sequence
 * number, written before it is published. Runs recorded before it have no events.
 */
export class RunEventLog1764800000000 implements MigrationInterface {
  readonly name = 'RunEventLog1764800000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(
      new Table({
        name: 'weft_run_events',
        columns: [
          { name: 'run_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'seq', type: 'integer', isPrimary: true },
          { name: 'type', type: 'varchar', length: '32' },
          { name: 'timestamp', type: 'varchar', length: '30' },
          { name: 'data', type: 'text' },
        ],
        foreignKeys: [
          new TableForeignKey({
            name: 'fk_weft_run_events_run',
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
    await runner.dropTable('weft_run_events');
  }
}
