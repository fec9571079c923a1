import type { Meta, StoryObj } from '@storybook/react-vite';
import { ExecutionHistoryTable } from './execution-history-table.js';
import { historyRuns } from '../fixtures/index.js';

const meta = {
  title: 'Viz/ExecutionHistoryTable',
  component: ExecutionHistoryTable,
  args: { runs: historyRuns, formatTime: (iso: string) => iso.replace('T', ' ').slice(0, 19) },
} satisfies Meta<typeof ExecutionHistoryTable>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Newest first. */
export const Default: Story = {};

/** Fastest first. */
export const SortedBySpeedup: Story = { args: { initialSort: { key: 'speedup', direction: 'descending' } } };

/** Rows are selectable (click or Enter). */
export const Selectable: Story = { args: { onSelectRun: () => undefined } };

/** No runs yet. */
export const Empty: Story = { args: { runs: [] } };

/** On a phone (328 px box): the table scrolls sideways inside its own box, the page does not. */
export const Phone: Story = {
  decorators: [
    (Story) => (
      <div style={{ width: 328, maxWidth: '100%' }}>
        <Story />
      </div>
    ),
  ],
};
