import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Steps remember the worker that ran their last attempt (null on the server itself). */
export class StepWorker1765000000000 implements MigrationInterface {
  readonly name = 'StepWorker1765000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.addColumn('weft_step_runs', new TableColumn({ name: 'worker', type: 'varchar', length: '200', isNullable: true }));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropColumn('weft_step_runs', 'worker');
  }
}
