import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import type { RunStatus, StepId, WorkflowPlan } from '@weft/core';
import { EPOCH_MS } from './epoch-ms.transformer';
import { WorkflowEntity } from './workflow.entity';

/** One run of a workflow, with its parallel-execution figures once it finished. */
@Entity({ name: 'weft_runs' })
@Index('idx_weft_runs_workflow', ['workflowId', 'startedAt'])
@Index('idx_weft_runs_status', ['status'])
@Index('idx_weft_runs_name', ['workflowName', 'startedAt'])
@Index('uq_weft_runs_retry_in_flight', ['retryOf'], { unique: true, where: "status = 'running'" })
export class RunEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** The stored workflow it ran; null for runs recorded without one (e.g. by the CLI). */
  @Column({ name: 'workflow_id', type: 'varchar', length: 36, nullable: true })
  workflowId!: string | null;

  @ManyToOne(() => WorkflowEntity, { onDelete: 'SET NULL', nullable: true, createForeignKeyConstraints: true })
  @JoinColumn({ name: 'workflow_id', foreignKeyConstraintName: 'fk_weft_runs_workflow' })
  workflow?: Relation<WorkflowEntity> | null;

  @Column({ name: 'workflow_name', type: 'varchar', length: 200 })
  workflowName!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: RunStatus;

  @Column({ name: 'max_parallel', type: 'integer' })
  maxParallel!: number;

  @Column({ name: 'started_at', type: 'varchar', length: 30 })
  startedAt!: string;

  @Column({ name: 'finished_at', type: 'varchar', length: 30, nullable: true })
  finishedAt!: string | null;

  /** Wall time of the run. */
  @Column({ name: 'makespan_ms', type: 'integer', nullable: true })
  makespanMs!: number | null;

  /** Sum of step durations. */
  @Column({ name: 'sequential_ms', type: 'integer', nullable: true })
  sequentialMs!: number | null;

  @Column({ type: 'double precision', nullable: true })
  speedup!: number | null;

  @Column({ name: 'ideal_speedup', type: 'double precision', nullable: true })
  idealSpeedup!: number | null;

  /** Most step processes running at one instant. */
  @Column({ name: 'peak_parallelism', type: 'integer', nullable: true })
  peakParallelism!: number | null;

  @Column({ name: 'critical_path', type: 'simple-json', nullable: true })
  criticalPath!: StepId[] | null;

  /** The analysis the run ran by. */
  @Column({ type: 'simple-json', nullable: true })
  plan!: WorkflowPlan | null;

  /** The run this one retried from failure. */
  @Column({ name: 'retry_of', type: 'varchar', length: 36, nullable: true })
  retryOf!: string | null;

  /** Why the run failed outside any step (e.g. the executor threw). */
  @Column({ type: 'text', nullable: true })
  error!: string | null;

  /** The server (`weft_servers.id`) that runs it (or ran it last); null while it waits for a new owner. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  owner!: string | null;

  /** Until when its owner holds it (epoch ms, database clock): the owner renews it; after it, any server may take the run over. */
  @Column({ name: 'lease_until', type: 'bigint', nullable: true, transformer: EPOCH_MS })
  leaseUntil!: number | null;

  /** A server other than its owner was asked to cancel it: the owner (or whoever takes it over) does. */
  @Column({ name: 'cancel_requested', type: 'boolean', default: false })
  cancelRequested!: boolean;
}
