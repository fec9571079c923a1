import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseUrlError, historyDataSourceOptions, redact } from './history-data-source';
import { median } from './median';

describe('historyDataSourceOptions', () => {
  it('uses a SQLite file under ./data by default and runs migrations', () => {
    const options = historyDataSourceOptions({ url: `sqlite:${join(tmpdir(), 'weft-x', 'h.sqlite')}` });
    expect(options).toMatchObject({ type: 'better-sqlite3', database: join(tmpdir(), 'weft-x', 'h.sqlite'), migrationsRun: true, synchronize: false });
  });

  it('picks PostgreSQL for postgres:// and postgresql:// URLs', () => {
    expect(historyDataSourceOptions({ url: 'postgres://u@h/db', schema: 's' })).toMatchObject({ type: 'postgres', schema: 's' });
    expect(historyDataSourceOptions({ url: 'postgresql://u@h/db' }).type).toBe('postgres');
  });

  it('synchronizes instead of migrating only when asked (tests)', () => {
    expect(historyDataSourceOptions({ url: 'sqlite::memory:', synchronize: true })).toMatchObject({ database: ':memory:', synchronize: true, migrationsRun: false });
  });

  it('rejects other URLs with a message that says what is accepted, without the password', () => {
    expect(() => historyDataSourceOptions({ url: 'mysql://me:secret@h/db' })).toThrow(DatabaseUrlError);
    expect(() => historyDataSourceOptions({ url: 'mysql://me:secret@h/db' })).toThrow(/sqlite:<path>.*postgres:\/\//);
    expect(redact('postgres://me:secret@h/db')).toBe('postgres://me:***@h/db');
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(() => median([])).toThrow(TypeError);
  });
});
