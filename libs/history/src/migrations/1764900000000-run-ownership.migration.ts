import { Table, TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * One owner per run: each run records the server running it and a lease that server renews, and
 * whether someone asked another server to cancel it; `weft_servers` lists the live servers. Runs
 * left `running` by an earlier version have no owner and an expired lease: the next server to
 * start takes them over.
 */
export class RunOwnership1764900000000 implements MigrationInterface {
  readonly name = 'RunOwnership1764900000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.addColumns('weft_runs', [
      new TableColumn({ name: 'owner', type: 'varchar', length: '200', isNullable: true }),
      new TableColumn({ name: 'lease_until', type: 'bigint', isNullable: true }),
      new TableColumn({ name: 'cancel_requested', type: 'boolean', default: false }),
    ]);
    await runner.createTable(
      new Table({
        name: 'weft_servers',
        columns: [
          { name: 'id', type: 'varchar', length: '200', isPrimary: true },
          { name: 'host', type: 'varchar', length: '255' },
          { name: 'pid', type: 'integer' },
          { name: 'started_at', type: 'varchar', length: '30' },
          { name: 'heartbeat_at', type: 'bigint' },
        ],
      }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('weft_servers');
    await runner.dropColumns('weft_runs', ['cancel_requested', 'lease_until', 'owner']);
  }
}
