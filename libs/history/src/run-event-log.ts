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
import { fixedStatement } from './fixed-sql';

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
 * One fixed statement (a query builder took most of a server's main-thread time per event).
 */
export async function appendRunEvent(manager: EntityManager, event: LoggedRunEvent): Promise<number> {
  const parameters = [event.runId, event.type, event.timestamp, JSON.stringify(event), event.runId];
  const rows = (await manager.query(APPEND(manager), parameters)) as { seq: number | string }[];
  return Number(rows[0]!.seq);
}

/** The number of the run's last logged event; 0 when it has none. */
export async function lastRunEventSeq(manager: EntityManager, runId: string): Promise<number> {
  const rows = (await manager.query(LAST(manager), [runId])) as { last: number | string | null }[];
  return Number(rows[0]?.last ?? 0);
}

const APPEND = fixedStatement(({ table, column, name, at }) => {
  const [events, runId, seq] = [table(RunEventEntity), column(RunEventEntity, 'runId'), column(RunEventEntity, 'seq')];
  const [type, timestamp, data] = (['type', 'timestamp', 'data'] as const).map((p) => column(RunEventEntity, p));
  return (
    `INSERT INTO ${events} (${runId}, ${seq}, ${type}, ${timestamp}, ${data}) ` +
    `SELECT ${at(1)}, COALESCE(MAX(${seq}), 0) + 1, ${at(2)}, ${at(3)}, ${at(4)} FROM ${events} WHERE ${runId} = ${at(5)} ` +
    `RETURNING ${seq} AS ${name('seq')}`
  );
});

const LAST = fixedStatement(
  ({ table, column, name, at }) =>
    `SELECT MAX(${column(RunEventEntity, 'seq')}) AS ${name('last')} FROM ${table(RunEventEntity)} WHERE ${column(RunEventEntity, 'runId')} = ${at(1)}`,
);

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
