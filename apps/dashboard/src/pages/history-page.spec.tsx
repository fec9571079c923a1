import { act, fireEvent, render, screen } from '@testing-library/react';
import { HISTORY_PAGE_SIZE, HistoryPage } from './history-page';

const run = (n: number) => ({
  runId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  workflow: 'w',
  status: 'succeeded',
  startedAt: new Date(Date.UTC(2026, 11, 3, 10, 0, 60 - n)).toISOString(),
  finishedAt: null,
  makespanMs: 1000,
  speedup: 2,
  peakParallelism: 2,
  maxParallel: 4,
});

const settle = () => act(() => new Promise((resolve) => setTimeout(resolve, 0)));

describe('HistoryPage', () => {
  const original = globalThis.fetch;
  afterEach(() => {
    globalThis.fetch = original;
  });

  it('asks for older runs with the cursor the server gave, until there are none', async () => {
    const asked: string[] = [];
    globalThis.fetch = jest.fn(async (url: string) => {
      asked.push(url);
      const older = url.includes('cursor=');
      const headers = new Headers({ 'content-type': 'application/json' });
      if (!older) headers.set('X-Next-Cursor', 'c/1+');
      const body = older ? [run(3)] : [run(1), run(2)];
      return { ok: true, status: 200, headers, json: async () => body, text: async () => JSON.stringify(body) };
    }) as unknown as typeof fetch;

    render(<HistoryPage />);
    await settle();
    expect(document.querySelectorAll('tr[data-run-id]')).toHaveLength(2);
    expect(screen.getByTestId('history-count').textContent).toContain('2 runs, newest first; there are older ones');

    fireEvent.click(screen.getByRole('button', { name: 'Older runs' }));
    await settle();
    expect(asked).toEqual([`api/runs?limit=${HISTORY_PAGE_SIZE}`, `api/runs?limit=${HISTORY_PAGE_SIZE}&cursor=c%2F1%2B`]);
    expect(document.querySelectorAll('tr[data-run-id]')).toHaveLength(3);
    expect(screen.queryByRole('button', { name: 'Older runs' })).toBeNull();
    expect(screen.getByTestId('history-count').textContent).toBe('3 runs ');
  });
});
