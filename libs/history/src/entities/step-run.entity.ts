import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import type { StepReason, StepStatus } from '@weft/core';
import { RunEntity } from './run.entity';

/** One step of one run: its result and the parallel-execution details of when it ran. */
@Entity({ name: 'weft_step_runs' })
export class StepRunEntity {
  @PrimaryColumn({ name: 'run_id', type: 'varchar', length: 36 })
  runId!: string;

  @PrimaryColumn({ name: 'step_id', type: 'varchar', length: 200 })
  stepId!: string;

  @ManyToOne(() => RunEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id', foreignKeyConstraintName: 'fk_weft_step_runs_run' })
  run?: Relation<RunEntity>;

  /** Declaration order in the workflow. */
  @Column({ type: 'integer' })
  position!: number;

  @Column({ type: 'varchar', length: 100 })
  type!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: StepStatus;

  @Column({ type: 'varchar', length: 32, nullable: true })
  reason!: StepReason | null;

  @Column({ type: 'text', nullable: true })
  message!: string | null;

  @Column({ name: 'started_at', type: 'varchar', length: 30, nullable: true })
  startedAt!: string | null;

  @Column({ name: 'finished_at', type: 'varchar', length: 30, nullable: true })
  finishedAt!: string | null;

  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs!: number | null;

  @Column({ name: 'exit_code', type: 'integer', nullable: true })
  exitCode!: number | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  signal!: string | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  /** An object, or for a `foreach` step the array of the items' outputs. */
  @Column({ type: 'simple-json', nullable: true })
  outputs!: object | null;

  /** Per-item results of a `foreach` step. */
  @Column({ type: 'simple-json', nullable: true })
  items!: object[] | null; // ItemReport[]; typed loosely for TypeORM's partial types

  /** Captured stdout and stderr, capped (the last bytes are kept). */
  @Column({ type: 'text', nullable: true })
  log!: string | null;

  /** Slot its first process ran in. */
  @Column({ type: 'integer', nullable: true })
  lane!: number | null;

  /** Step processes running when this step started, as `step.started` reported it (itself included). */
  @Column({ name: 'running_at_start', type: 'integer', nullable: true })
  runningAtStart!: number | null;

  /** The worker that ran its last attempt, or null (the server itself, or never ran). */
  @Column({ type: 'varchar', length: 200, nullable: true })
  worker!: string | null;

  /** Reused from an earlier run by retry-from-failure. */
  @Column({ type: 'boolean', default: false })
  reused!: boolean;

  /** Content hash of the definition and resolved inputs (retry-from-failure key). */
  @Column({ type: 'varchar', length: 128, nullable: true })
  hash!: string | null;
}
