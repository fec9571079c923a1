import type { Meta, StoryObj } from '@storybook/react-vite';
import { ExecutionGraph } from './execution-graph.js';
import {
  failuresFinished,
  failuresLive,
  largeFinished,
  largeLive,
  seedDemoFinished,
  seedDemoLive,
  seedDemoPending,
  seedDemoRun,
  wideFanOutLive,
} from '../fixtures/index.js';
import { useReplay } from '../fixtures/use-replay.js';
import { pipeline200, pipeline1000 } from '../fixtures/big-workflows.js';

const meta = {
  title: 'Viz/ExecutionGraph',
  component: ExecutionGraph,
  args: { state: seedDemoFinished.state, now: seedDemoFinished.now },
} satisfies Meta<typeof ExecutionGraph>;

export default meta;
type Story = StoryObj<typeof meta>;

/** The seed demo before any step started: every node pending, the planned critical path highlighted. */
export const Pending: Story = { args: { state: seedDemoPending.state, now: seedDemoPending.now } };

/** The seed demo 1.2 s in: the three fetches pulse blue at once. */
export const Running: Story = { args: { state: seedDemoLive.state, now: seedDemoLive.now } };

/** The seed demo finished in ~4.0 s; the measured critical path is highlighted. */
export const Finished: Story = {};

/** Built from a plain report plus the plan, as an app without a Weft server would. */
export const FromReport: Story = {
  args: { state: undefined, report: seedDemoRun.report, plan: seedDemoRun.plan },
};

/** Twelve regional fetches and a foreach under maxParallel 8, mid-run. */
export const WideFanOut: Story = { args: { state: wideFanOutLive.state, now: wideFanOutLive.now } };

/** A failure isolated: its dependants skipped (upstream_failed, upstream_skipped), a false condition skipped; hover or focus a muted node for the reason. */
export const WithFailure: Story = { args: { state: failuresFinished.state, now: failuresFinished.now } };

/** The failure workflow mid-run: one step failed, others still running. */
export const WithFailureRunning: Story = { args: { state: failuresLive.state, now: failuresLive.now } };

/** A 200-step workflow, finished. */
export const Large: Story = { args: { state: largeFinished.state, now: largeFinished.now, nodeWidth: 120, nodeHeight: 36 } };

/** The 200-step workflow 12 s in. */
export const LargeRunning: Story = { args: { state: largeLive.state, now: largeLive.now, nodeWidth: 120, nodeHeight: 36 } };

/** The seed demo replayed in real time, as `useRunEvents` would feed it. */
export const LiveReplay: Story = {
  render: (args) => {
    const { state, now } = useReplay(seedDemoRun);
    return <ExecutionGraph {...args} state={state} now={now} />;
  },
};

/**
 * A 200-step variant-calling pipeline (17 samples, per-chromosome `foreach` calls, cohort fan-ins),
 * finished. It starts at a readable zoom on the start of the graph; the 4-step alignment chains
 * are folded (click one to unfold), the minimap shows the rest.
 */
export const Pipeline200: Story = {
  render: (args) => {
    const f = pipeline200().finished;
    return <ExecutionGraph {...args} state={f.state} now={f.now} />;
  },
};

/** The 200-step pipeline a third of the way in: running steps pulse, the minimap marks them in blue. */
export const Pipeline200Running: Story = {
  render: (args) => {
    const f = pipeline200().live;
    return <ExecutionGraph {...args} state={f.state} now={f.now} />;
  },
};

/** A 1,000-step pipeline (90 samples), finished: chains folded, so the layout places far fewer nodes. */
export const Pipeline1000: Story = {
  render: (args) => {
    const f = pipeline1000().finished;
    return <ExecutionGraph {...args} state={f.state} now={f.now} />;
  },
};

/** The 1,000-step pipeline mid-run: "Running (n)" jumps from one running step to the next. */
export const Pipeline1000Running: Story = {
  render: (args) => {
    const f = pipeline1000().live;
    return <ExecutionGraph {...args} state={f.state} now={f.now} />;
  },
};

/** The 1,000-step pipeline with nothing folded: every step laid out (the layout benchmark's worst case). */
export const Pipeline1000Unfolded: Story = {
  render: (args) => {
    const f = pipeline1000().finished;
    return <ExecutionGraph {...args} state={f.state} now={f.now} collapseChains={0} />;
  },
};

/** The graph follows its container: here a 480 px column. */
export const NarrowContainer: Story = {
  render: (args) => (
    <div style={{ width: 480, border: '1px dashed #9aa5b1' }}>
      <ExecutionGraph {...args} state={wideFanOutLive.state} now={wideFanOutLive.now} />
    </div>
  ),
};
