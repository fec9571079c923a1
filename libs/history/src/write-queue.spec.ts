import { isSqliteBusy } from './unique-violation';
import { retryWhileBusy } from './write-queue';

const busy = (code = 'SQLITE_BUSY') => Object.assign(new Error('database is locked'), { code });

describe('retryWhileBusy', () => {
  it('runs the work again while SQLite says another process holds the file, then returns its result', async () => {
    const codes = ['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_LOCKED'];
    let calls = 0;
    const result = await retryWhileBusy(async () => {
      calls++;
      if (codes.length > 0) throw { driverError: busy(codes.shift()) };
      return 'written';
    });
    expect(result).toBe('written');
    expect(calls).toBe(4);
  });

  it('throws any other error at once', async () => {
    let calls = 0;
    const unique = Object.assign(new Error('UNIQUE constraint failed'), { code: 'SQLITE_CONSTRAINT_UNIQUE' });
    await expect(
      retryWhileBusy(async () => {
        calls++;
        throw unique;
      }),
    ).rejects.toBe(unique);
    expect(calls).toBe(1);
  });

  it('gives up with the last busy error once its time is spent', async () => {
    let calls = 0;
    const started = Date.now();
    await expect(
      retryWhileBusy(async () => {
        calls++;
        throw busy();
      }, 100),
    ).rejects.toThrow('database is locked');
    expect(calls).toBeGreaterThan(1);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('isSqliteBusy', () => {
  it.each([
    [busy(), true],
    [{ driverError: busy('SQLITE_BUSY_SNAPSHOT') }, true],
    [Object.assign(new Error('x'), { code: 'SQLITE_CONSTRAINT_PRIMARYKEY' }), false],
    [new Error('plain'), false],
    [null, false],
  ])('%#: %s', (error, expected) => {
    expect(isSqliteBusy(error)).toBe(expected);
  });
});
