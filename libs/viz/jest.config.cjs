/** Unit and component tests of @weft/viz (jsdom). The browser test has its own config: jest.browser.config.cjs. */
const path = require('node:path');

const root = path.join(__dirname, '../..');

module.exports = {
  displayName: '@weft/viz',
  testEnvironment: 'jsdom',
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'tsx', 'js', 'json'],
  moduleNameMapper: {
    // d3 7 ships ESM only; its UMD bundle works in CommonJS Jest.
    '^d3$': path.join(root, 'node_modules/d3/dist/d3.min.js'),
    '^@weft/core/browser$': path.join(root, 'libs/core/src/browser.ts'),
    // Relative imports are written with .js (ESM); the sources are .ts/.tsx.
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  setupFiles: ['<rootDir>/jest.setup.cjs'],
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/src/**/*.spec.tsx'],
  coverageDirectory: 'coverage',
  coverageReporters: ['text-summary', 'lcov'],
  collectCoverageFrom: [
    '<rootDir>/src/**/*.{ts,tsx}',
    '!<rootDir>/src/**/*.spec.{ts,tsx}',
    '!<rootDir>/src/**/*.stories.tsx',
    '!<rootDir>/src/**/index.ts',
  ],
};
