import { In, MoreThan, type EntityManager } from 'typeorm';
import type {
  AttemptFinishedEvent,
  AttemptStartedEvent,
  ExecutionEvent,
  RunFinishedEvent,
  RunStartedEvent,
  StepFinishedEvent,
  StepStartedEvent,
} from '@weft/core';
import { RunEventEntity } from './entities/run-event.entity';

/** An event as the log stores it and SSE sends it: every run event but `step.log`, `step.finished` without its `log`. */
export type LoggedRunEvent =
  | RunStartedEvent
  | StepStartedEvent
  | AttemptStartedEvent
  | AttemptFinishedEvent
  | Omit<StepFinishedEvent, 'log'>
  | RunFinishedEvent;

/** One entry of a run's event log. */
export interface RunEventRecord<E extends LoggedRunEvent = LoggedRunEvent> {
  /** Its number in the run: 1, 2, 3… in the order the run emitted its events, without gaps. */
  readonly seq: number;
  readonly event: E;
}

/** The form of `event` the log stores: `step.finished` loses its (separately stored) log; `step.log` is not logged (null). */
export function loggedEvent(event: ExecutionEvent): LoggedRunEvent | null {
  if (event.type === 'step.log') return null;
  if (event.type === 'step.finished') {
    const { log: _log, ...rest } = event;
    return rest;
  }
  return event;
}

/**
 * Appends `event` to its run's log with the run's next number, and returns that number. Runs inside
 * the caller's write: the primary key (run, seq) refuses a number taken by a concurrent writer.
 */
export async function appendRunEvent(manager: EntityManager, event: LoggedRunEvent): Promise<number> {
  const seq = (await lastRunEventSeq(manager, event.runId)) + 1;
  await manager.getRepository(RunEventEntity).insert({
    runId: event.runId,
    seq,
    type: event.type,
    timestamp: event.timestamp,
    data: JSON.stringify(event),
  });
  return seq;
}

/** The number of the run's last logged event; 0 when it has none. */
export async function lastRunEventSeq(manager: EntityManager, runId: string): Promise<number> {
  const row = await manager
    .getRepository(RunEventEntity)
    .createQueryBuilder('e')
    .select('MAX(e.seq)', 'last')
    .where('e.runId = :runId', { runId })
    .getRawOne<{ last: number | string | null }>();
  return Number(row?.last ?? 0);
}

/** The run's logged events numbered above `after`, in order; only those of `types` when given. */
export async function readRunEvents(
  manager: EntityManager,
  runId: string,
  after: number,
  types?: readonly LoggedRunEvent['type'][],
): Promise<RunEventRecord[]> {
  const rows = await manager.getRepository(RunEventEntity).find({
    where: { runId, seq: MoreThan(after), ...(types ? { type: In([...types]) } : {}) },
    order: { seq: 'ASC' },
    select: { seq: true, data: true },
  });
  return rows.map((row) => ({ seq: Number(row.seq), event: JSON.parse(row.data) as LoggedRunEvent }));
}
