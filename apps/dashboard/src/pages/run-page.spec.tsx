import { act, fireEvent, render, screen } from '@testing-library/react';
import { RunPage } from './run-page';

const REFUSAL = 'Missing or wrong bearer token: send Authorization: Bearer <WEFT_API_TOKEN>';

/** A fetch refusing everything with the server's 401 body, keeping the URLs asked. */
function refusingFetch() {
  return jest.fn(async (_url: string, _init?: RequestInit) => ({
    ok: false,
    status: 401,
    headers: new Headers({ 'content-type': 'application/json' }),
    body: null,
    json: async () => ({ statusCode: 401, error: REFUSAL }),
    text: async () => JSON.stringify({ statusCode: 401, error: REFUSAL }),
  }));
}

const settle = () => act(() => new Promise((resolve) => setTimeout(resolve, 0)));

describe('RunPage when the server refuses', () => {
  const original = globalThis.fetch;
  afterEach(() => {
    globalThis.fetch = original;
  });

  it('says why, once, with a Retry that asks again — not "Waiting to start"', async () => {
    const fetchMock = refusingFetch();
    globalThis.fetch = fetchMock as unknown as typeof fetch;
    render(<RunPage runId="r-7f3a9c" />);
    await settle();
    await settle();
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain(`Not authorized (HTTP 401): ${REFUSAL}`);
    expect(screen.queryByText('Waiting to start')).toBeNull();
    // No empty timeline or speedup while nothing of the run is known.
    expect(screen.queryByRole('region', { name: 'Timeline' })).toBeNull();
    expect(screen.queryByText('No speedup yet')).toBeNull();
    // The report's refusal says the same: not repeated.
    expect(screen.queryAllByText(REFUSAL)).toHaveLength(0);
    const asked = fetchMock.mock.calls.length;
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await settle();
    await settle();
    const again = fetchMock.mock.calls.slice(asked).map(([url]) => url);
    expect(again).toEqual(expect.arrayContaining(['api/runs/r-7f3a9c/events', 'api/runs/r-7f3a9c']));
    expect(screen.getByRole('alert').textContent).toContain('Not authorized');
  });
});
