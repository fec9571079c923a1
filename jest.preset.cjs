/** Shared Jest settings for the CommonJS TypeScript projects (core, step-types, cli). */
const path = require('node:path');

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', diagnostics: { warnOnly: false } }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@weft/core$': path.join(__dirname, 'libs/core/src/index.ts'),
    '^@weft/core/browser$': path.join(__dirname, 'libs/core/src/browser.ts'),
    '^@weft/step-types$': path.join(__dirname, 'libs/step-types/src/index.ts'),
    '^@weft/history$': path.join(__dirname, 'libs/history/src/index.ts'),
    '^@weft/queue$': path.join(__dirname, 'libs/queue/src/index.ts'),
  },
  // Real processes under a loaded CI machine: Jest's 5 s default is a speed assertion, which benchmarks make, not tests.
  testTimeout: 30_000,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  coverageDirectory: 'coverage',
  coverageReporters: ['text-summary', 'lcov'],
  collectCoverageFrom: ['<rootDir>/src/**/*.ts', '!<rootDir>/src/**/*.spec.ts', '!<rootDir>/src/**/index.ts'],
};
