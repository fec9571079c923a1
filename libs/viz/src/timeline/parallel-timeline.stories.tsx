import type { Decorator, Meta, StoryObj } from '@storybook/react-vite';
import { cappedRunFixture } from '../parallelism/parallelism-indicator.stories.js';
import { httpStreamError } from '../state/use-run-events.js';
import { ParallelTimeline } from './parallel-timeline.js';
import {
  failuresFinished,
  failuresOnWorkersFinished,
  largeFinished,
  largeLive,
  seedDemoFinished,
  seedDemoLive,
  seedDemoOnWorkersFinished,
  seedDemoPending,
  seedDemoRun,
  wideFanOutFinished,
  wideFanOutLive,
  wideFanOutOnWorkersFinished,
  wideFanOutOnWorkersLive,
  wideFanOutOnWorkersRun,
} from '../fixtures/index.js';
import { useReplay } from '../fixtures/use-replay.js';

const meta = {
  title: 'Viz/ParallelTimeline',
  component: ParallelTimeline,
  // No width: it fills the story's box, as in a page.
  args: { state: seedDemoFinished.state, now: seedDemoFinished.now },
} satisfies Meta<typeof ParallelTimeline>;

/** A phone-sized container (360 px screen, 16 px padding each side). */
const phone: Decorator = (Story) => (
  <div style={{ width: 328, maxWidth: '100%' }}>
    <Story />
  </div>
);
const capped = cappedRunFixture();

export default meta;
type Story = StoryObj<typeof meta>;

/** Before the first step: empty lanes, one per slot. */
export const Pending: Story = { args: { state: seedDemoPending.state, now: seedDemoPending.now } };

/** The seed demo 1.2 s in: three bars growing side by side, the "now" line, 3 in the concurrency strip. */
export const Running: Story = { args: { state: seedDemoLive.state, now: seedDemoLive.now } };

/** The seed demo finished: three parallel fetches, then the report; critical path outlined. */
export const Finished: Story = {};

/** Built from a plain report (no events): lanes from the report. */
export const FromReport: Story = { args: { state: undefined, report: seedDemoRun.report, plan: seedDemoRun.plan } };

/** Wide fan-out mid-run: all 8 slots busy, foreach items as their own bars. */
export const WideFanOut: Story = { args: { state: wideFanOutLive.state, now: wideFanOutLive.now } };

/** Wide fan-out finished. */
export const WideFanOutFinished: Story = { args: { state: wideFanOutFinished.state, now: wideFanOutFinished.now } };

/** A failed step, and a retried attempt hatched before its successful retry. */
export const WithFailure: Story = { args: { state: failuresFinished.state, now: failuresFinished.now } };

/** 200 steps on 8 slots. */
export const Large: Story = { args: { state: largeFinished.state, now: largeFinished.now, laneHeight: 22 } };

/** 200 steps, 12 s in. */
export const LargeRunning: Story = { args: { state: largeLive.state, now: largeLive.now, laneHeight: 22 } };

/** The seed demo replayed in real time: the "now" line moves. */
export const LiveReplay: Story = {
  render: (args) => {
    const { state, now } = useReplay(seedDemoRun);
    return <ParallelTimeline {...args} state={state} now={now} />;
  },
};

/** Lanes grouped by worker: the wide fan-out sent round-robin to three workers, each band stacking the attempts it ran at once. */
export const ByWorker: Story = {
  args: { state: wideFanOutOnWorkersFinished.state, now: wideFanOutOnWorkersFinished.now, groupBy: 'worker' },
};

/** Grouped by worker mid-run: bars growing in each worker's band. */
export const ByWorkerRunning: Story = {
  args: { state: wideFanOutOnWorkersLive.state, now: wideFanOutOnWorkersLive.now, groupBy: 'worker' },
};

/** Grouped by worker with a step the server ran itself: the `server` band. */
export const ByWorkerWithServer: Story = {
  args: { state: seedDemoOnWorkersFinished.state, now: seedDemoOnWorkersFinished.now, groupBy: 'worker' },
};

/** Grouped by worker: the failed upload's retry ran on the other worker. */
export const ByWorkerWithRetry: Story = {
  args: { state: failuresOnWorkersFinished.state, now: failuresOnWorkersFinished.now, groupBy: 'worker' },
};

/** The same run by slot: each bar's tooltip names its worker. */
export const BySlotOnWorkers: Story = {
  args: { state: wideFanOutOnWorkersFinished.state, now: wideFanOutOnWorkersFinished.now },
};

/** The wide fan-out on three workers replayed in real time, grouped by worker. */
export const LiveReplayByWorker: Story = {
  args: { groupBy: 'worker' },
  render: (args) => {
    const { state, now } = useReplay(wideFanOutOnWorkersRun);
    return <ParallelTimeline {...args} state={state} now={now} />;
  },
};

/** A fixed width (the `width` prop, as before the timeline followed its container). */
export const FixedWidth: Story = { args: { width: 760 } };

/** maxParallel 8 on a server that ran 4 processes at most: 4 lanes used, as the indicator's "peak 4". */
export const HeldBackByServer: Story = { args: { state: capped.state, now: capped.now } };

/** On a phone (328 px box): slot numbers for labels, fewer ticks, the strip's labels underneath. */
export const Phone: Story = { decorators: [phone] };

/** The wide fan-out on a phone. */
export const PhoneWideFanOut: Story = { args: { state: wideFanOutLive.state, now: wideFanOutLive.now }, decorators: [phone] };

/** Grouped by worker on a phone: worker names shortened to the label column. */
export const PhoneByWorker: Story = {
  args: { state: wideFanOutOnWorkersFinished.state, now: wideFanOutOnWorkersFinished.now, groupBy: 'worker' },
  decorators: [phone],
};

/** The stream answered 404: the error and a Retry button, no empty lanes. */
export const StreamNotFound: Story = {
  args: { state: undefined, stream: { connectionError: httpStreamError(404, 'No run r-0000'), retry: () => undefined } },
};
