/** The browser test: builds Storybook, serves it on 127.0.0.1 and opens every story in Debian's Chromium. */
module.exports = {
  displayName: '@weft/viz:browser',
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['<rootDir>/test/browser/**/*.browser.spec.ts'],
  testTimeout: 120_000,
};
