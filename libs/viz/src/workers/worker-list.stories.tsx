import type { Meta, StoryObj } from '@storybook/react-vite';
import { WorkerList } from './worker-list.js';
import { workerInfos, workersNow } from '../fixtures/index.js';

const meta = {
  title: 'Viz/WorkerList',
  component: WorkerList,
  args: { workers: workerInfos, now: workersNow },
} satisfies Meta<typeof WorkerList>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Two build machines and a GPU box whose last heartbeat is 14 s old: marked stale. */
export const Connected: Story = {};

/** Every worker heard from within the last 5 s. */
export const AllFresh: Story = { args: { workers: workerInfos.filter((w) => w.id.startsWith('build-')) } };

/** A stricter stale limit (3 s): the idle build machine is stale too. */
export const StrictStaleLimit: Story = { args: { staleAfterMs: 3000 } };

/** No worker connected. */
export const Empty: Story = { args: { workers: [] } };

/** On a phone (328 px box): the table scrolls sideways inside its own box. */
export const Phone: Story = {
  decorators: [
    (Story) => (
      <div style={{ width: 328, maxWidth: '100%' }}>
        <Story />
      </div>
    ),
  ],
};
