import { act, render, screen, within } from '@testing-library/react';
import { WorkersPage } from './workers-page';
import { api, WORKERS_POLL_MS } from '../api';

jest.mock('../api', () => ({ ...jest.requireActual('../api'), api: { workers: jest.fn() } }));
const workers = api.workers as jest.MockedFunction<typeof api.workers>;

const seen = new Date().toISOString();

describe('WorkersPage', () => {
  afterEach(() => {
    jest.useRealTimers();
    workers.mockReset();
  });

  it('lists the connected workers and asks again every 5 s', async () => {
    jest.useFakeTimers();
    workers.mockResolvedValue({
      dispatcher: 'queue',
      workers: [{ id: 'gpu-a:913', labels: ['gpu'], concurrency: 2, running: 1, startedAt: seen, lastSeenAt: seen }],
    });
    render(<WorkersPage />);
    const table = await screen.findByRole('table', { name: 'Connected workers' });
    expect(within(table).getByRole('rowheader', { name: 'gpu-a:913' })).toBeTruthy();
    expect(within(table).getByText('1 of 2 slots busy')).toBeTruthy();
    expect(workers).toHaveBeenCalledTimes(1);
    await act(async () => {
      await jest.advanceTimersByTimeAsync(WORKERS_POLL_MS);
    });
    expect(workers).toHaveBeenCalledTimes(2);
  });

  it('explains how to add workers when the server runs steps itself', async () => {
    workers.mockResolvedValue({ dispatcher: 'local', workers: [] });
    render(<WorkersPage />);
    const note = await screen.findByTestId('local-dispatcher');
    expect(note.textContent).toBe(
      'Steps run on this server. Start workers with weft worker --queue redis://… and set WEFT_QUEUE_URL on the server to spread them over machines.',
    );
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('shows the error of a server without the endpoint', async () => {
    workers.mockRejectedValue(new Error('HTTP 404'));
    render(<WorkersPage />);
    expect((await screen.findByText('HTTP 404')).className).toBe('error');
  });
});
