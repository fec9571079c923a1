import { Injectable, Logger, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import { killOrphanedStepProcesses } from '@weft/core';
import { HistoryStore, historyDataSourceOptions, type HistoryDatabaseOptions } from '@weft/history';
import type { DataSource } from 'typeorm';
import { WEFT_OPTIONS, type ResolvedWeftOptions } from '../weft-options.js';

/** Name of Weft's TypeORM data source, apart from any the host app has. */
export const WEFT_DATA_SOURCE = 'weft';

/**
 * At startup, closes the runs a previous process left `running`, and kills the step processes it
 * left behind (found by their WEFT_RUN_ID), so a retry never runs next to a stale copy.
 */
@Injectable()
export class InterruptedRunsMarker implements OnModuleInit {
  readonly #logger = new Logger('History');
  constructor(private readonly history: HistoryStore) {}

  async onModuleInit(): Promise<void> {
    const runIds = await this.history.markInterrupted();
    for (const runId of runIds) this.#logger.warn({ msg: 'run marked interrupted: the process running it stopped', runId });
    const killed = killOrphanedStepProcesses(runIds);
    if (killed.length) this.#logger.warn({ msg: 'killed step processes left running by the previous server', pids: killed });
  }
}

/** The execution history on TypeORM: SQLite by default, PostgreSQL with a postgres:// URL. */
@Module({})
export class HistoryModule {
  static forRoot(database: HistoryDatabaseOptions): DynamicModule {
    return {
      module: HistoryModule,
      imports: [
        TypeOrmModule.forRootAsync({
          name: WEFT_DATA_SOURCE,
          useFactory: () => ({ ...historyDataSourceOptions(database), retryAttempts: 3, retryDelay: 1000 }),
        }),
      ],
      providers: [
        {
          provide: HistoryStore,
          useFactory: (dataSource: DataSource, options: ResolvedWeftOptions) =>
            new HistoryStore(dataSource, { maxLogBytes: options.limits.maxLogBytes }),
          inject: [getDataSourceToken(WEFT_DATA_SOURCE), WEFT_OPTIONS],
        },
        InterruptedRunsMarker,
      ],
      exports: [HistoryStore, TypeOrmModule],
    };
  }
}

