import type { Meta, StoryObj } from '@storybook/react-vite';
import { ConnectionNotice } from './connection-notice.js';
import { httpStreamError, networkStreamError, useRunEvents } from './use-run-events.js';
import { ParallelismIndicator } from '../parallelism/parallelism-indicator.js';
import { ParallelTimeline } from '../timeline/parallel-timeline.js';
import { SpeedupDashboard } from '../speedup/speedup-dashboard.js';

const meta = {
  title: 'Viz/ConnectionNotice',
  component: ConnectionNotice,
  args: { error: httpStreamError(401, 'Missing or wrong bearer token: send Authorization: Bearer <WEFT_API_TOKEN>'), onRetry: () => undefined },
} satisfies Meta<typeof ConnectionNotice>;

export default meta;
type Story = StoryObj<typeof meta>;

/** 401: the server's own words, and Retry. */
export const Unauthorized: Story = {};

/** 404: no such run. */
export const NotFound: Story = { args: { error: httpStreamError(404, 'No run r-0000') } };

/** 5xx. */
export const ServerError: Story = { args: { error: httpStreamError(503, 'database is locked') } };

/** A network error or a CORS refusal: a browser cannot tell them apart, so the notice names both. */
export const NetworkOrCors: Story = { args: { error: networkStreamError() } };

/** Without `onRetry`, no button. */
export const WithoutRetry: Story = { args: { onRetry: undefined } };

/** On a phone: the long server text wraps. */
export const Phone: Story = {
  decorators: [
    (Story) => (
      <div style={{ width: 328, maxWidth: '100%' }}>
        <Story />
      </div>
    ),
  ],
};

/** Answers every request with 401 and the server's JSON error, without any network. */
const refusingFetch = (async () =>
  new Response(JSON.stringify({ statusCode: 401, error: 'Missing or wrong bearer token: send Authorization: Bearer <WEFT_API_TOKEN>' }), {
    status: 401,
    headers: { 'content-type': 'application/json' },
  })) as typeof fetch;

/**
 * `useRunEvents` for real, feeding the widgets. Without parameters it reads from a stand-in server
 * that refuses with 401 (no network). The browser test points it at a real one with
 * `?weftStreamUrl=<url>` (and `&weftStreamToken=<token>` for the fetch path) in the story's URL.
 */
function LiveStream() {
  const params = new URLSearchParams(typeof window === 'undefined' ? '' : window.location.search);
  const url = params.get('weftStreamUrl');
  const token = params.get('weftStreamToken');
  const live = useRunEvents(url ?? 'stand-in/api/runs/r-demo/events', url ? { token } : { fetch: refusingFetch, headers: { 'X-Stand-In': '1' } });
  return (
    <div style={{ display: 'grid', gap: 12 }} data-connection={live.connection}>
      <ParallelismIndicator state={live.state} stream={live} />
      <ParallelTimeline state={live.state} />
      <SpeedupDashboard state={live.state} />
    </div>
  );
}

/** The widgets on a live stream: the indicator says why it is not connected, with a working Retry. */
export const LiveStreamRefused: Story = { render: () => <LiveStream /> };
