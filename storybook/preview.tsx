import type { Preview } from '@storybook/react-vite';

const dark = {
  '--weft-fg': '#e4e7eb',
  '--weft-muted-fg': '#9aa5b1',
  '--weft-bg': '#1f2933',
  '--weft-surface': '#323f4b',
  '--weft-grid': '#3e4c59',
  '--weft-edge': '#7b8794',
  '--weft-color-pending': '#52606d',
  '--weft-color-skipped': '#3e4c59',
  '--weft-color-running': '#60a5fa',
  '--weft-color-concurrency': '#1e3a8a',
} as Record<string, string>;

const preview: Preview = {
  parameters: {
    layout: 'padded',
    controls: { exclude: ['state', 'report', 'plan', 'runs'] },
  },
  globalTypes: {
    theme: {
      description: 'Colour theme (CSS variables)',
      toolbar: { title: 'Theme', items: ['light', 'dark'], dynamicTitle: true },
    },
  },
  initialGlobals: { theme: 'light' },
  decorators: [
    (Story, context) => (
      <div
        style={{
          ...(context.globals.theme === 'dark' ? dark : {}),
          background: context.globals.theme === 'dark' ? '#1f2933' : 'transparent',
          padding: 8,
        }}
      >
        <Story />
      </div>
    ),
  ],
};

export default preview;
