import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HistoryStore } from '@weft/history';
import {
  postgresTestDatabase,
  TEST_POSTGRES_URL,
  type TestDatabase,
} from '../../../../libs/history/src/testing/test-databases';
import {
  FENCES,
  measureWriteRates,
  type Fence,
  type WriteRateOptions,
  type WriteRates,
} from '../event-log-writes';
import type { BenchOptions, RegressionCheck, SectionResult } from '../report.types';
import { median, round, spread, spreadText, thousands } from '../stats';
import { measureTakeovers, type TakeoverSample } from '../takeover';
import { heartbeatMs, takeoverWindow, type OwnerPlace } from '../takeover-window';

const LEASE_MS = 3000;
/** The promise of the issue: a dead owner's runs go on elsewhere within lease + 10 s. */
const TAKEOVER_LIMIT_MS = LEASE_MS + 10_000;
const CONCURRENT_RUNS = 8;
const TAKEOVER_CHECK = "takeover of a killed owner's run: next attempt running ÷ (lease + 10 s)";

/** What was measured, or why it was not. */
type Measured<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly why: string; readonly failed?: boolean };

/** Write rates on one database, and its durability settings. */
interface DatabaseRates {
  readonly rates: WriteRates;
  readonly settings: string;
}

const firstLine = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).split('\n')[0];

/** A fresh schema in the bench's PostgreSQL, or why there is none. */
async function freshSchema(): Promise<TestDatabase | string> {
  try {
    return await postgresTestDatabase();
  } catch (error) {
    return `PostgreSQL at ${TEST_POSTGRES_URL} is not reachable (${firstLine(error)})`;
  }
}

/** Opens a store on `db`, runs `work` on it, then closes it and removes the database, whatever happens. */
async function withStore<T>(db: TestDatabase, work: (store: HistoryStore) => Promise<T>): Promise<T> {
  try {
    const store = await HistoryStore.open(db.options);
    try {
      return await work(store);
    } finally {
      await store.close();
    }
  } finally {
    await db.dispose();
  }
}

async function sqliteSettings(store: HistoryStore): Promise<string> {
  const [{ journal_mode }] = (await store.dataSource.query('PRAGMA journal_mode')) as {
    journal_mode: string;
  }[];
  const [{ synchronous }] = (await store.dataSource.query('PRAGMA synchronous')) as { synchronous: number }[];
  return `SQLite: journal_mode ${journal_mode}, synchronous ${['OFF', 'NORMAL', 'FULL', 'EXTRA'][synchronous] ?? synchronous}`;
}

async function postgresSettings(store: HistoryStore): Promise<string> {
  const show = async (name: string) =>
    ((await store.dataSource.query(`SHOW ${name}`)) as Record<string, string>[])[0][name];
  return `PostgreSQL ${(await show('server_version')).split(' ')[0]}: synchronous_commit ${await show('synchronous_commit')}, fsync ${await show('fsync')}`;
}

/**
 * Section 8: durable runs, in two parts. (a) Event-log writes per second as the server writes them
 * (one transaction per event, each awaiting the previous one of its run), on SQLite and PostgreSQL,
 * with and without the owner fence. (b) How long a run waits after the server running it is
 * SIGKILLed, with two real server processes on one PostgreSQL schema.
 */
export async function durableRunsBench(options: BenchOptions): Promise<SectionResult[]> {
  const sizes: WriteRateOptions = options.quick
    ? { budgetMs: 200, concurrentRuns: CONCURRENT_RUNS, repetitions: 1 }
    : { budgetMs: 500, concurrentRuns: CONCURRENT_RUNS, repetitions: options.runs };
  const cases: OwnerPlace[] = options.quick
    ? ['this machine']
    : Array.from({ length: options.runs }, (_, i): OwnerPlace[] =>
        i % 2 ? ['another machine', 'this machine'] : ['this machine', 'another machine'],
      ).flat();

  const sqlite = await sqliteWrites(options, sizes);
  logRates(options, 'SQLite', sqlite);
  const postgres = await postgresWrites(sizes);
  logRates(options, 'PostgreSQL', postgres);
  const takeovers: Measured<TakeoverSample[]> = postgres.ok
    ? await takeoverTimes(options, cases)
    : { ok: false, why: postgres.why };
  if (!takeovers.ok) options.log(`  takeover: ${takeovers.why}`);
  return [writesSection(sizes, sqlite, postgres), takeoverSection(takeovers, options.quick)];
}

async function sqliteWrites(
  options: BenchOptions,
  sizes: WriteRateOptions,
): Promise<Measured<DatabaseRates>> {
  const store = await HistoryStore.open({ url: `sqlite:${join(options.scratch, 'durable-runs.sqlite')}` });
  try {
    return {
      ok: true,
      value: { rates: await measureWriteRates(store, sizes), settings: await sqliteSettings(store) },
    };
  } finally {
    await store.close();
  }
}

async function postgresWrites(sizes: WriteRateOptions): Promise<Measured<DatabaseRates>> {
  const db = await freshSchema();
  if (typeof db === 'string') return { ok: false, why: db };
  return withStore(db, async (store) => ({
    ok: true,
    value: { rates: await measureWriteRates(store, sizes), settings: await postgresSettings(store) },
  }));
}

/** Takeovers on a schema of their own (the write runs stay `running`, owned by no live server). A failure is reported, not thrown. */
async function takeoverTimes(
  options: BenchOptions,
  cases: readonly OwnerPlace[],
): Promise<Measured<TakeoverSample[]>> {
  const server = join(options.root, 'apps/server/dist/main.js');
  if (!existsSync(server))
    return { ok: false, why: `${server} is missing (build it: npx tsc -b tsconfig.build.json)` };
  const db = await freshSchema();
  if (typeof db === 'string') return { ok: false, why: db };
  try {
    const value = await withStore(db, (store) =>
      measureTakeovers({
        root: options.root,
        scratch: options.scratch,
        database: { url: String(db.options.url), schema: String(db.options.schema) },
        store,
        leaseMs: LEASE_MS,
        cases,
        log: options.log,
      }),
    );
    return { ok: true, value };
  } catch (error) {
    return { ok: false, why: `failed: ${firstLine(error)}`, failed: true };
  }
}

function logRates(options: BenchOptions, database: string, measured: Measured<DatabaseRates>): void {
  if (!measured.ok) return options.log(`  ${database}: not measured: ${measured.why}`);
  const { rates } = measured.value;
  for (const fence of FENCES) {
    options.log(
      `  ${database}, ${fence}: 1 run ${round(median(rates.oneRun[fence]))} events/s, ${CONCURRENT_RUNS} runs ${round(median(rates.concurrent[fence]))} events/s`,
    );
  }
}

/** The server's writer (with the owner fence), then the bare one, for the goals. */
function ratesText(measured: Measured<DatabaseRates>): string {
  if (!measured.ok) return `not measured: ${measured.why}`;
  const { rates } = measured.value;
  const perSecond = (values: readonly number[]) => thousands(round(median(values)));
  const fence: Fence = 'owner fence';
  return (
    `${perSecond(rates.oneRun[fence])} events/s for one run, ${perSecond(rates.concurrent[fence])} for ${CONCURRENT_RUNS} runs at once ` +
    `(without the fence: ${perSecond(rates.oneRun['no fence'])} and ${perSecond(rates.concurrent['no fence'])})`
  );
}

function writesSection(
  sizes: WriteRateOptions,
  sqlite: Measured<DatabaseRates>,
  postgres: Measured<DatabaseRates>,
): SectionResult {
  const rows: (string | number)[][] = [];
  for (const [database, measured] of Object.entries({ SQLite: sqlite, PostgreSQL: postgres })) {
    if (!measured.ok) {
      rows.push([database, '—', `not measured: ${measured.why}`, '—', '—']);
      continue;
    }
    const { rates } = measured.value;
    for (const fence of FENCES) {
      const one = spread(rates.oneRun[fence]);
      rows.push([
        database,
        fence,
        spreadText(one),
        round(1000 / one.median),
        spreadText(spread(rates.concurrent[fence])),
      ]);
    }
  }
  const settings = [sqlite, postgres].flatMap((m) => (m.ok ? [m.value.settings] : []));
  const repeated =
    sizes.repetitions > 1
      ? `Median (min–max) of ${sizes.repetitions} repetitions`
      : 'One repetition (--quick)';
  return {
    title: '8. Durable runs: event-log writes',
    method:
      '`HistoryStore` (libs/history) on a fresh SQLite file in the temporary folder, and on a fresh schema of PostgreSQL ' +
      `(${TEST_POSTGRES_URL}, the tests' database; \`WEFT_TEST_POSTGRES_URL\` overrides it) that the bench creates and drops. Each write is ` +
      "`RunWriter.recordAttempt` of an `attempt.started` or `attempt.finished` event: one transaction that reads the run's last sequence number " +
      "and inserts the event into `weft_run_events`. A run's writes go one after another, each awaiting the previous one, as `HistoryLifeCycle` " +
      'writes them before the server publishes an event. "Owner fence" is the writer the server uses (`writer.forOwner(serverId)`): the same ' +
      "transaction also updates the run's row where this server is still its owner, so a server that lost the run writes nothing. " +
      `Each measurement writes for ${sizes.budgetMs} ms: one run alone, then ${CONCURRENT_RUNS} runs at the same time (all their events per second; ` +
      "SQLite's one connection takes their transactions in turn, PostgreSQL's pool at once). " +
      `${repeated}, the two writers alternating which goes first, after a warm-up of each.` +
      (settings.length ? ` Durability as the history opens the databases: ${settings.join('; ')}.` : ''),
    tables: [
      {
        caption: 'Event-log writes per second',
        headers: [
          'database',
          'writer',
          '1 run, events one after another (events/s)',
          'per event (ms)',
          `${CONCURRENT_RUNS} runs at once (events/s, all runs)`,
        ],
        rows,
      },
    ],
    goals: [
      {
        goal: 'event-log writes per second on SQLite, with the owner fence (reported)',
        measured: ratesText(sqlite),
        pass: null,
      },
      {
        goal: 'event-log writes per second on PostgreSQL, with the owner fence (reported)',
        measured: ratesText(postgres),
        pass: null,
      },
    ],
    checks: [],
  };
}

/** `median / max` of the known times, in ms, and how many are unknown (never happened). */
function medianMax(values: readonly (number | null)[]): string {
  const known = values.filter((v): v is number => v !== null);
  if (known.length === 0) return 'never';
  const text = `${thousands(Math.round(median(known)))} / ${thousands(Math.round(Math.max(...known)))}`;
  return known.length < values.length ? `${text} (${values.length - known.length} never)` : text;
}

function takeoverSection(takeovers: Measured<TakeoverSample[]>, quick: boolean): SectionResult {
  const title = '8. Durable runs: takeover after the owner dies';
  const goal = `a SIGKILLed owner's run goes on elsewhere within lease + 10 s (${TAKEOVER_LIMIT_MS / 1000} s at WEFT_LEASE_MS=${LEASE_MS}), and succeeds`;
  const caption = `Takeover after SIGKILL of the run's owner (WEFT_LEASE_MS = ${LEASE_MS}, heartbeat every ${heartbeatMs(LEASE_MS)} ms; ms from the kill)`;
  const headers = [
    'dead owner ran on',
    'kills',
    'expected owner change (ms)',
    'owner changed: median / max (ms)',
    'next attempt running: median / max (ms)',
    'runs succeeded',
    "step's attempts in the event log",
  ];
  const method =
    `Two real servers (\`node apps/server/dist/main.js\`) share one fresh PostgreSQL schema with \`WEFT_LEASE_MS=${LEASE_MS}\` (each beats every ` +
    `${heartbeatMs(LEASE_MS)} ms). One starts a run whose shell step waits for a file; once the step's process runs, the bench SIGKILLs that server and ` +
    `times, from the kill, the other's "run taken over" log line (it owns the run now) and the start of the step's next attempt (its process ` +
    'writes a marker line, which the bench reads every 50 ms: the run report counts attempts only once a step has finished). Then the step is ' +
    'released and the run must end `succeeded`. "This machine": the dead server ran here, so the survivor sees at its next heartbeat that its ' +
    'process is gone. "Another machine": the dead server\'s row is deleted from `weft_servers` just before the kill, so the survivor cannot look ' +
    'for its process and waits for the lease to run out; it was renewed up to one heartbeat before the kill, hence the expected window. ' +
    (quick
      ? 'With --quick: one kill, on this machine.'
      : 'The two cases alternate; a new server replaces each one killed.');
  if (!takeovers.ok) {
    return {
      title,
      method,
      tables: [
        {
          caption,
          headers,
          rows: [
            ['—', 0, '—', takeovers.failed ? takeovers.why : `not measured: ${takeovers.why}`, '—', '—', '—'],
          ],
        },
      ],
      goals: [
        {
          goal,
          measured: takeovers.failed ? takeovers.why : `not measured: ${takeovers.why}`,
          pass: takeovers.failed ? false : null,
        },
      ],
      checks: takeovers.failed ? [{ check: TAKEOVER_CHECK, ratio: Infinity, limit: 1 }] : [],
    };
  }
  const samples = takeovers.value;
  const rows = [...new Set(samples.map((s) => s.place))].map((place) => {
    const mine = samples.filter((s) => s.place === place);
    const window = takeoverWindow(LEASE_MS, place);
    return [
      place,
      mine.length,
      `${thousands(window.fromMs)}–${thousands(window.toMs)}`,
      medianMax(mine.map((s) => s.ownerMs)),
      medianMax(mine.map((s) => s.attemptMs)),
      `${mine.filter((s) => s.status === 'succeeded').length} of ${mine.length}`,
      [...new Set(mine.map((s) => s.loggedAttempts))].join(', '),
    ];
  });
  // A run that did not go on, or did not succeed, counts as never taken over.
  const worst = Math.max(
    ...samples.map((s) => (s.status === 'succeeded' ? (s.attemptMs ?? Infinity) : Infinity)),
  );
  const succeeded = samples.filter((s) => s.status === 'succeeded').length;
  return {
    title,
    method,
    tables: [{ caption, headers, rows }],
    goals: [
      {
        goal,
        measured: `next attempt running ${Number.isFinite(worst) ? `after ${thousands(Math.round(worst))} ms at most` : 'never, once at least'}; ${succeeded} of ${samples.length} runs succeeded`,
        pass: worst <= TAKEOVER_LIMIT_MS,
      },
    ],
    checks: [{ check: TAKEOVER_CHECK, ratio: worst / TAKEOVER_LIMIT_MS, limit: 1 } satisfies RegressionCheck],
  };
}
