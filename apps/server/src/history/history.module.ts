import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import { HistoryStore, historyDataSourceOptions, type HistoryDatabaseOptions } from '@weft/history';
import type { DataSource } from 'typeorm';
import { WEFT_OPTIONS, type ResolvedWeftOptions } from '../weft-options.js';

/** Name of Weft's TypeORM data source, apart from any the host app has. */
export const WEFT_DATA_SOURCE = 'weft';

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
      ],
      exports: [HistoryStore, TypeOrmModule],
    };
  }
}

