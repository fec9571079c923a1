/**
 * The packages as a stranger gets them: the global setup builds the repository and packs every
 * published package with tools/scripts/pack-all.cjs into a temporary folder; each test installs
 * those tarballs with the real npm into a fresh project outside the repository. Slow on purpose
 * (npm installs, a native build of better-sqlite3): run with `npx nx run pack-e2e:e2e`.
 */
module.exports = {
  displayName: 'pack-e2e',
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['<rootDir>/src/**/*.e2e.spec.ts'],
  globalSetup: '<rootDir>/src/global-setup.cjs',
  globalTeardown: '<rootDir>/src/global-teardown.cjs',
  // One npm install of a few minutes (a native build) per fresh project.
  testTimeout: 10 * 60_000,
  // One suite at a time: each runs npm installs and builds, on machines shared with other suites.
  maxWorkers: 1,
};
