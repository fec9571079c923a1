import type { Meta, StoryObj } from '@storybook/react-vite';
import { SpeedupDashboard } from './speedup-dashboard.js';
import {
  failuresFinished,
  largeFinished,
  seedDemoFinished,
  seedDemoLive,
  seedDemoPending,
  seedDemoRun,
  wideFanOutFinished,
} from '../fixtures/index.js';

const meta = {
  title: 'Viz/SpeedupDashboard',
  component: SpeedupDashboard,
  args: { state: seedDemoFinished.state, now: seedDemoFinished.now },
} satisfies Meta<typeof SpeedupDashboard>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Before any step finished. */
export const Pending: Story = { args: { state: seedDemoPending.state, now: seedDemoPending.now } };

/** Mid-run: a running estimate; the what-if replay waits for the end. */
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
