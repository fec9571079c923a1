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
 * One statement, written once per data source: the query builder took most of a server's main-thread
 * time per event under load.
 */
export async function appendRunEvent(manager: EntityManager, event: LoggedRunEvent): Promise<number> {
  const rows = (await manager.query(eventLogSql(manager).append, [event.runId, event.type, event.timestamp, JSON.stringify(event), event.runId])) as {
    seq: number | string;
  }[];
  return Number(rows[0]!.seq);
}

/** The number of the run's last logged event; 0 when it has none. */
export async function lastRunEventSeq(manager: EntityManager, runId: string): Promise<number> {
  const rows = (await manager.query(eventLogSql(manager).last, [runId])) as { last: number | string | null }[];
  return Number(rows[0]?.last ?? 0);
}

interface EventLogSql {
  readonly append: string;
  readonly last: string;
}

const statements = new WeakMap<object, EventLogSql>();

/** The event log's two hot statements in this data source's dialect (SQLite `?`, PostgreSQL `$n`) and names. */
function eventLogSql(manager: EntityManager): EventLogSql {
  const source = manager.connection;
  let sql = statements.get(source);
  if (sql) return sql;
  const meta = source.getMetadata(RunEventEntity);
  const name = (text: string) => source.driver.escape(text);
  const table = meta.tablePath.split('.').map(name).join('.');
  const column = (property: keyof RunEventEntity) => name(meta.findColumnWithPropertyName(property)!.databaseName);
  const postgres = source.driver.options.type === 'postgres';
  const at = (n: number) => (postgres ? `$${n}` : '?');
  const [runId, seq] = [column('runId'), column('seq')];
  sql = {
    append:
      `INSERT INTO ${table} (${runId}, ${seq}, ${column('type')}, ${column('timestamp')}, ${column('data')}) ` +
      `SELECT ${at(1)}, COALESCE(MAX(${seq}), 0) + 1, ${at(2)}, ${at(3)}, ${at(4)} FROM ${table} WHERE ${runId} = ${at(5)} ` +
      `RETURNING ${seq} AS ${name('seq')}`,
    last: `SELECT MAX(${seq}) AS ${name('last')} FROM ${table} WHERE ${runId} = ${at(1)}`,
  };
  statements.set(source, sql);
  return sql;
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
