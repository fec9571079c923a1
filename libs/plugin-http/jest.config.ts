/** Native-ESM Jest, like the server (Nest 12 is ESM-only); run with NODE_OPTIONS=--experimental-vm-modules. */
export default {
  displayName: '@weft/plugin-http',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^@weft/core$': '<rootDir>/../core/src/index.ts',
    '^@weft/step-types$': '<rootDir>/../step-types/src/index.ts',
    '^@weft/history$': '<rootDir>/../history/src/index.ts',
    '^@weft/core/testing$': '<rootDir>/../core/src/plugin-testing/index.ts',
    '^@weft/nest$': '<rootDir>/../nest/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  testTimeout: 30000,
  coverageDirectory: 'coverage',
  coverageReporters: ['text-summary', 'lcov'],
  collectCoverageFrom: ['<rootDir>/src/**/*.ts', '!<rootDir>/src/**/*.spec.ts', '!<rootDir>/src/index.ts'],
  coverageThreshold: { global: { lines: 90 } },
};
