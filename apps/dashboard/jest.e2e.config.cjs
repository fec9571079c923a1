/**
 * The dashboard's end-to-end test: builds the server and the dashboard, starts the real server on
 * a free port with a temporary SQLite file, and drives the dashboard in Debian's headless Chromium.
 */
module.exports = {
  displayName: '@weft/dashboard:e2e',
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.e2e.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['<rootDir>/test/**/*.e2e.spec.ts'],
  testTimeout: 90_000,
};
