/** Unit and component tests of the dashboard (jsdom). The end-to-end test has its own config: jest.e2e.config.cjs. */
const path = require('node:path');

const root = path.join(__dirname, '../..');

module.exports = {
  displayName: '@weft/dashboard',
  testEnvironment: 'jsdom',
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'tsx', 'js', 'json'],
  moduleNameMapper: {
    // d3 7 ships ESM only; its UMD bundle works in CommonJS Jest.
    '^d3$': path.join(root, 'node_modules/d3/dist/d3.min.js'),
    '^@weft/core/browser$': path.join(root, 'libs/core/src/browser.ts'),
    '^@weft/viz$': path.join(root, 'libs/viz/src/index.ts'),
    // @weft/viz writes its relative imports with .js (ESM); the sources are .ts/.tsx.
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  setupFiles: [path.join(root, 'libs/viz/jest.setup.cjs')],
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/src/**/*.spec.tsx'],
};
