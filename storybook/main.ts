import { fileURLToPath } from 'node:url';
import type { StorybookConfig } from '@storybook/react-vite';
import { mergeConfig } from 'vite';

/** Storybook for @weft/viz: stories sit beside the components in libs/viz/src. */
const config: StorybookConfig = {
  stories: ['../libs/viz/src/**/*.stories.@(ts|tsx)'],
  framework: { name: '@storybook/react-vite', options: {} },
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  typescript: { reactDocgen: 'react-docgen' },
  // @weft/viz imports @weft/core's browser entry: take its sources, as the dashboard's build does.
  viteFinal: (vite) =>
    mergeConfig(vite, {
      resolve: {
        alias: {
          '@weft/core/browser': fileURLToPath(new URL('../libs/core/src/browser.ts', import.meta.url)),
        },
      },
    }),
};

export default config;
