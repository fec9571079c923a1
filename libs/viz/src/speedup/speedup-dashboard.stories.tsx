import type { Decorator, Meta, StoryObj } from '@storybook/react-vite';
import { httpStreamError } from '../state/use-run-events.js';
import { SpeedupDashboard } from './speedup-dashboard.js';
import {
  failuresFinished,
  largeFinished,
  seedDemoFinished,
  seedDemoLive,
  wideFanOutLive,
  seedDemoPending,
  seedDemoRun,
  wideFanOutFinished,
} from '../fixtures/index.js';

const meta = {
  title: 'Viz/SpeedupDashboard',
  component: SpeedupDashboard,
  args: { state: seedDemoFinished.state, now: seedDemoFinished.now },
} satisfies Meta<typeof SpeedupDashboard>;

/** A phone-sized container (360 px screen, 16 px padding each side). */
const phone: Decorator = (Story) => (
  <div style={{ width: 328, maxWidth: '100%' }}>
    <Story />
  </div>
);

export default meta;
type Story = StoryObj<typeof meta>;

/** Before any step finished. */
export const Pending: Story = { args: { state: seedDemoPending.state, now: seedDemoPending.now } };

/** Mid-run: "3.0x faster so far (running)" in the running style; the what-if replay waits for the end. */
export const Running: Story = { args: { state: seedDemoLive.state, now: seedDemoLive.now } };

/** The seed demo: "2.0x faster", 4.0 s vs 8.0 s, and what maxParallel 1..8 would give. */
export const Finished: Story = {};

/** From the seed demo's plain report (what `weft run --json` prints). */
export const FromReport: Story = { args: { state: undefined, report: seedDemoRun.report, plan: seedDemoRun.plan } };

/** The wide fan-out: more slots keep paying off up to 8. */
export const WideFanOut: Story = { args: { state: wideFanOutFinished.state, now: wideFanOutFinished.now } };

/** A run with a failure and skips: skipped steps cost nothing in the replay. */
export const WithFailure: Story = { args: { state: failuresFinished.state, now: failuresFinished.now } };

/** 200 steps on 8 slots. */
export const Large: Story = { args: { state: largeFinished.state, now: largeFinished.now } };

/** The wide fan-out mid-run. */
export const WideFanOutRunning: Story = { args: { state: wideFanOutLive.state, now: wideFanOutLive.now } };

/** A fixed width (the `width` prop). */
export const FixedWidth: Story = { args: { width: 440 } };

/** On a phone (328 px box): the what-if caption above its chart, the headline sized to fit. */
export const Phone: Story = { decorators: [phone] };

/** Running, on a phone. */
export const PhoneRunning: Story = { args: { state: seedDemoLive.state, now: seedDemoLive.now }, decorators: [phone] };

/** The server failed (500): the error and a Retry button instead of "No speedup yet". */
export const StreamServerError: Story = {
  args: { state: undefined, stream: { connectionError: httpStreamError(500, 'database is locked'), retry: () => undefined } },
};
