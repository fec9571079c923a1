import { waitFor } from './wait-for';

describe('waitFor', () => {
  it('resolves with what the probe returned once it stops returning false', async () => {
    let tries = 0;
    const value = await waitFor('the third try', () => (++tries === 3 ? { tries } : false));
    expect(value).toEqual({ tries: 3 });
  });

  it('retries an assertion until it stops throwing, and awaits an async probe', async () => {
    let tries = 0;
    await waitFor('two failed tries', async () => {
      tries++;
      expect(tries).toBe(3);
    });
    expect(tries).toBe(3);
  });

  it('passes on the first try without pausing', async () => {
    let tries = 0;
    await expect(waitFor('nothing', () => ++tries, { intervalMs: 60_000 })).resolves.toBe(1);
  });

  it('says what it waited for and how the last try failed, with the error as the cause', async () => {
    const error = new Error('expected 1, got 2');
    const failed = waitFor(
      'the count to be 1',
      () => {
        throw error;
      },
      { timeoutMs: 20, intervalMs: 5 },
    );
    await expect(failed).rejects.toThrow(
      'timed out after 20 ms waiting for the count to be 1; the last try failed: expected 1, got 2',
    );
    await expect(failed).rejects.toMatchObject({ cause: error });
  });

  it('stops at once, with the reason, when its signal aborts', async () => {
    const controller = new AbortController();
    let tries = 0;
    const waiting = waitFor('a server to listen', () => ++tries > 1_000_000, {
      timeoutMs: 60_000,
      intervalMs: 60_000,
      signal: controller.signal,
    });
    controller.abort(new Error('the server exited'));
    await expect(waiting).rejects.toThrow('the server exited');
    expect(tries).toBe(1);
  });

  it('says so when the last try returned false', async () => {
    await expect(waitFor('a file to appear', () => false, { timeoutMs: 0 })).rejects.toThrow(
      'timed out after 0 ms waiting for a file to appear; the last try returned false',
    );
  });
});
