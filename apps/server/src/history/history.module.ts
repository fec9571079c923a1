import { Global, Inject, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { HistoryStore, RunEntity, historyDataSourceOptions, HISTORY_ENTITIES, HISTORY_MIGRATIONS, redact } from '@weft/history';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { WEFT_OPTIONS, type ResolvedWeftOptions, type WeftDatabaseOptions } from '../weft-options.js';

/** Injection token of the TypeORM DataSource Weft's history uses (its own, or the host's). */
export const WEFT_DATA_SOURCE = Symbol('WEFT_DATA_SOURCE');

const CONNECT_ATTEMPTS = 3;
const CONNECT_DELAY_MS = 1000;

/** The DataSource Weft opened itself, closed at shutdown; a host's DataSource is left alone. */
@Injectable()
class OwnedDataSource implements OnApplicationShutdown {
  constructor(@Inject(WEFT_DATA_SOURCE) readonly dataSource: DataSource, @Inject(WEFT_OPTIONS) private readonly options: ResolvedWeftOptions) {}

  async onApplicationShutdown(): Promise<void> {
    if ('dataSource' in this.options.database) return;
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** TypeORM options for Weft's own connection from {@link WeftDatabaseOptions}. */
export function weftDataSourceOptions(database: WeftDatabaseOptions): DataSourceOptions {
  if ('dataSource' in database) throw new TypeError('A host DataSource has no options to open');
  if (!('typeorm' in database)) return historyDataSourceOptions(database);
  const given = database.typeorm;
  if (given.type !== 'postgres' && given.type !== 'better-sqlite3') {
    throw new TypeError(`Expected database.typeorm.type to be 'postgres' or 'better-sqlite3', got '${String(given.type)}'`);
  }
  return {
    migrationsRun: true,
    ...given,
    entities: HISTORY_ENTITIES,
    migrations: HISTORY_MIGRATIONS,
    migrationsTableName: 'weft_migrations',
    synchronize: false,
  } as DataSourceOptions;
}

async function openDataSource(database: WeftDatabaseOptions): Promise<DataSource> {
  if ('dataSource' in database) {
    const host = database.dataSource;
    if (!host.isInitialized) await host.initialize();
    if (!host.hasMetadata(RunEntity)) {
      throw new TypeError(
        "The DataSource given as database.dataSource does not know Weft's tables: add HISTORY_ENTITIES to its entities " +
          'and HISTORY_MIGRATIONS to its migrations (both from @weft/history), and run the migrations',
      );
    }
    return host;
  }
  const options = weftDataSourceOptions(database);
  const logger = new Logger('History');
  for (let attempt = 1; ; attempt++) {
    const dataSource = new DataSource(options);
    try {
      return await dataSource.initialize();
    } catch (error) {
      if (attempt >= CONNECT_ATTEMPTS) throw error;
      const where = 'url' in options && typeof options.url === 'string' ? redact(options.url) : options.type;
      logger.warn(`cannot open the history database (${where}), attempt ${attempt} of ${CONNECT_ATTEMPTS}: ${(error as Error).message}`);
      await new Promise((done) => setTimeout(done, CONNECT_DELAY_MS));
    }
  }
}

/**
 * The execution history on TypeORM: SQLite by default, PostgreSQL with a postgres:// URL, the
 * host's own TypeORM options, or the host's own DataSource (see {@link WeftDatabaseOptions}).
 * Global so that its shutdown hook (closing Weft's own connection) runs after every other module's:
 * the runs record their end first.
 */
@Global()
@Module({
  providers: [
    { provide: WEFT_DATA_SOURCE, useFactory: (options: ResolvedWeftOptions) => openDataSource(options.database), inject: [WEFT_OPTIONS] },
    OwnedDataSource,
    {
      provide: HistoryStore,
      useFactory: (dataSource: DataSource, options: ResolvedWeftOptions) => new HistoryStore(dataSource, { maxLogBytes: options.limits.maxLogBytes }),
      inject: [WEFT_DATA_SOURCE, WEFT_OPTIONS],
    },
  ],
  exports: [HistoryStore, WEFT_DATA_SOURCE],
})
export class HistoryModule {}
