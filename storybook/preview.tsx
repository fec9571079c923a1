import type { Preview } from '@storybook/react-vite';
import { WeftTheme, type WeftThemeName } from '../libs/viz/src/styles/viz-styles.js';

const THEMES: readonly WeftThemeName[] = ['light', 'dark', 'auto'];

const preview: Preview = {
  parameters: {
    layout: 'padded',
    controls: { exclude: ['state', 'report', 'plan', 'runs'] },
  },
  globalTypes: {
    theme: {
      description: "The kit's built-in theme (data-weft-theme); auto follows prefers-color-scheme",
      toolbar: { title: 'Theme', icon: 'contrast', items: [...THEMES], dynamicTitle: true },
    },
  },
  initialGlobals: { theme: 'light' },
  decorators: [
    (Story, context) => {
      const theme = THEMES.includes(context.globals.theme as WeftThemeName) ? (context.globals.theme as WeftThemeName) : 'light';
      return (
        <WeftTheme theme={theme} style={{ padding: 8 }}>
          <Story />
        </WeftTheme>
      );
    },
  ],
};

export default preview;
