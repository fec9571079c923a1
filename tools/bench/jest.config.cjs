const preset = require('../../jest.preset.cjs');

module.exports = {
  ...preset,
  displayName: 'bench',
  // Only the pure parts are unit-tested; the sections are the benchmark itself.
  collectCoverageFrom: [...preset.collectCoverageFrom, '!<rootDir>/src/main.ts', '!<rootDir>/src/sections/**', '!<rootDir>/src/children/**'],
};
