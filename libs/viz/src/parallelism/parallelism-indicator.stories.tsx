import type { Decorator, Meta, StoryObj } from '@storybook/react-vite';
import type { ExecutionEvent } from '@weft/core/browser';
import { ParallelismIndicator } from './parallelism-indicator.js';
import { reduceAll } from '../state/reduce-run-events.js';
import type { RunState } from '../state/run-state.types.js';
import { httpStreamError, networkStreamError } from '../state/use-run-events.js';
import {
  largeLive,
  seedDemoFinished,
  seedDemoLive,
  seedDemoLiveLate,
  seedDemoPending,
  seedDemoRun,
  wideFanOutLive,
} from '../fixtures/index.js';
import { useReplay } from '../fixtures/use-replay.js';

/**
 * A run of 8 independent 2 s steps with maxParallel 8 on a server that runs 4 processes at most
 * (`WEFT_MAX_PROCESSES=4`): the engine hands out all 8 slots at once, but slots 5–8 start only
 * when the first four end. Seen at `atMs` after the start, or finished. Not a story (see `excludeStories`).
 */
export function cappedRunFixture(atMs?: number): { state: RunState; now: number } {
  const t0 = Date.parse('2026-11-26T14:00:00.000Z');
  const at = (ms: number) => new Date(t0 + ms).toISOString();
  const ids = Array.from({ length: 8 }, (_, i) => `shard_${i + 1}`);
  const events: ExecutionEvent[] = [
    {
      type: 'run.started',
      runId: 'r-capped',
      timestamp: at(0),
      running: 0,
      workflow: 'shards',
      maxParallel: 8,
      plan: { steps: ids, edges: [], criticalPath: [ids[0]!] },
      steps: ids.map((id) => ({ id, type: 'shell', needs: [], runsOn: null })),
    } as unknown as ExecutionEvent,
  ];
  let running = 0;
  const started: string[] = [];
  ids.forEach((stepId, lane) => {
    const start = lane < 4 ? 0 : 2000;
    events.push({ type: 'step.started', runId: 'r-capped', timestamp: at(start), running: ++running, stepId, lane } as ExecutionEvent);
    events.push({ type: 'attempt.started', runId: 'r-capped', timestamp: at(start), running, stepId, attempt: 1, item: null, lane, worker: null });
    started.push(stepId);
    if (lane === 3 || lane === 7) {
      for (const id of started.splice(0)) {
        const l = ids.indexOf(id);
        const s = l < 4 ? 0 : 2000;
        events.push({
          type: 'attempt.finished',
          runId: 'r-capped',
          timestamp: at(s + 2000),
          running: --running,
          stepId: id,
          attempt: 1,
          item: null,
          lane: l,
          worker: null,
          startedAt: at(s),
          durationMs: 2000,
          ok: true,
          exitCode: 0,
          signal: null,
          reason: null,
          message: null,
          outputs: {},
          willRetry: false,
          retryInMs: null,
        });
      }
    }
  });
  // Events in time order (the finishes at 2 s come before the starts at 2 s).
  events.sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp) || order(a) - order(b));
  const shown = atMs === undefined ? events : events.filter((e) => Date.parse(e.timestamp) - t0 <= atMs);
  let state = reduceAll(shown);
  if (atMs === undefined) {
    const steps = Object.fromEntries(
      Object.entries(state.steps).map(([id, s]) => {
        const a = state.attempts.find((x) => x.stepId === id)!;
        return [id, { ...s, status: 'succeeded' as const, endMs: a.endMs, durationMs: 2000 }];
      }),
    );
    state = { ...state, steps, status: 'succeeded', endMs: t0 + 4000, running: 0 };
  }
  return { state, now: atMs === undefined ? t0 + 4000 : t0 + atMs };
}

/** Finishes before starts at the same instant. */
function order(e: ExecutionEvent): number {
  return e.type === 'attempt.finished' ? 0 : e.type === 'step.started' ? 1 : 2;
}

const capped = cappedRunFixture();
const cappedLive = cappedRunFixture(2500);

/** Stands in for the stream of `useRunEvents` when it failed. */
const failedStream = (error: ReturnType<typeof httpStreamError>) => ({ connectionError: error, retry: () => undefined });

/** A phone-sized container (360 px screen, 16 px padding each side). */
const phone: Decorator = (Story) => (
  <div style={{ width: 328, maxWidth: '100%' }}>
    <Story />
  </div>
);

const meta = {
  title: 'Viz/ParallelismIndicator',
  component: ParallelismIndicator,
  args: { state: seedDemoLive.state },
  excludeStories: /Fixture$/,
} satisfies Meta<typeof ParallelismIndicator>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Started, nothing running yet. */
export const Pending: Story = { args: { state: seedDemoPending.state } };

/** "3 steps running in parallel" (the seed demo's fetches). */
export const Running: Story = {};

/** "1 step running", with the peak of 3 remembered. */
export const OneRunning: Story = { args: { state: seedDemoLiveLate.state } };

/** All 8 slots busy. */
export const WideFanOut: Story = { args: { state: wideFanOutLive.state } };

/** The 200-step workflow mid-run. */
export const Large: Story = { args: { state: largeLive.state } };

/** After the run: the peak. */
export const Finished: Story = { args: { state: seedDemoFinished.state } };

/** From a plain report. */
export const FromReport: Story = { args: { state: undefined, report: seedDemoRun.report } };

/** The seed demo replayed live. */
export const LiveReplay: Story = {
  render: (args) => {
    const { state } = useReplay(seedDemoRun);
    return <ParallelismIndicator {...args} state={state} />;
  },
};

/** maxParallel 8 on a server capped at 4 processes: "peak 4 of 8 — the server ran at most 4 processes at once". */
export const HeldBackByServer: Story = { args: { state: capped.state, now: capped.now } };

/** The capped run mid-way, live. */
export const HeldBackRunning: Story = { args: { state: cappedLive.state, now: cappedLive.now } };

/** The event stream was refused (401): the error and a Retry button instead of "Waiting to start". */
export const StreamUnauthorized: Story = {
  args: {
    state: undefined,
    stream: failedStream(httpStreamError(401, 'Missing or wrong bearer token: send Authorization: Bearer <WEFT_API_TOKEN>')),
  },
};

/** The server could not be reached, or it refused this page's origin (CORS). */
export const StreamUnreachable: Story = { args: { state: undefined, stream: failedStream(networkStreamError()) } };

/** In a 328 px box (a 360 px phone): it fills the box, text keeps its size. */
export const Phone: Story = { decorators: [phone] };

/** The held-back note on a phone: it wraps onto two lines. */
export const PhoneHeldBack: Story = { args: { state: capped.state, now: capped.now }, decorators: [phone] };
