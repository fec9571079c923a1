import type { StorybookConfig } from '@storybook/react-vite';

/** Storybook for @weft/viz: stories sit beside the components in libs/viz/src. */
const config: StorybookConfig = {
  stories: ['../libs/viz/src/**/*.stories.@(ts|tsx)'],
  framework: { name: '@storybook/react-vite', options: {} },
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  typescript: { reactDocgen: 'react-docgen' },
};

export default config;
