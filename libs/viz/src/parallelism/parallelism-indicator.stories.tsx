import type { Meta, StoryObj } from '@storybook/react-vite';
import { ParallelismIndicator } from './parallelism-indicator.js';
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

const meta = {
  title: 'Viz/ParallelismIndicator',
  component: ParallelismIndicator,
  args: { state: seedDemoLive.state },
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
