import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { RunEntity } from './run.entity';

/**
 * One event of a run's append-only log, numbered from 1 in the order the run emitted it. Rows are
 * never updated or deleted (except with their run). `step.log` chunks are not logged.
 */
@Entity({ name: 'weft_run_events' })
export class RunEventEntity {
  @PrimaryColumn({ name: 'run_id', type: 'varchar', length: 36 })
  runId!: string;

  /** The event's number in its run: 1, 2, 3… without gaps. Sent as the SSE `id:`. */
  @PrimaryColumn({ type: 'integer' })
  seq!: number;

  @ManyToOne(() => RunEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id', foreignKeyConstraintName: 'fk_weft_run_events_run' })
  run?: Relation<RunEntity>;

  /** The event's `type` (`run.started`, `step.finished`…). */
  @Column({ type: 'varchar', length: 32 })
  type!: string;

  /** The event's `timestamp`: ISO 8601 with milliseconds. */
  @Column({ type: 'varchar', length: 30 })
  timestamp!: string;

  /** The event as JSON text, exactly as it was published. */
  @Column({ type: 'text' })
  data!: string;
}
