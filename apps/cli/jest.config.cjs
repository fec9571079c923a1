const preset = require('../../jest.preset.cjs');

module.exports = {
  ...preset,
  displayName: require('./package.json').name,
  // The CLI's tests run the built binary: build and bundle it once first.
  globalSetup: '<rootDir>/test/global-setup.cjs',
};
