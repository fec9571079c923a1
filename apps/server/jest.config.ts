/** Native-ESM Jest (Nest 12 is ESM-only); run with NODE_OPTIONS=--experimental-vm-modules. */
export default {
  displayName: '@weft/server',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^@weft/core$': '<rootDir>/../../libs/core/src/index.ts',
    '^@weft/step-types$': '<rootDir>/../../libs/step-types/src/index.ts',
    '^@weft/history$': '<rootDir>/../../libs/history/src/index.ts',
    '^@weft/queue$': '<rootDir>/../../libs/queue/src/index.ts',
    '^@weft/history/testing$': '<rootDir>/../../libs/history/src/testing/test-databases.ts',
    '^@weft/nest$': '<rootDir>/../../libs/nest/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  testTimeout: 30000,
  coverageDirectory: 'coverage',
  coverageReporters: ['text-summary', 'lcov'],
  collectCoverageFrom: ['<rootDir>/src/**/*.ts', '!<rootDir>/src/**/*.spec.ts', '!<rootDir>/src/main.ts'],
};
