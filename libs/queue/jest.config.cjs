const preset = require('../../jest.preset.cjs');

module.exports = {
  ...preset,
  displayName: require('./package.json').name,
  coverageThreshold: { global: { lines: 85 } },
};
