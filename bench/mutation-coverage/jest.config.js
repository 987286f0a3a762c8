// `npm run mutation:coverage`: the simulation under jest's V8 coverage, over the files Stryker mutates
// (stryker.config.json), written to bench/results/mutation/coverage/coverage-final.json for the ledger's --coverage.
const base = require('../../jest.config.js');
const stryker = require('../../stryker.config.json');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  rootDir: '../..',
  roots: ['<rootDir>/bench/mutation-coverage'],
  testMatch: ['**/slice.ts'],
  globalSetup: undefined,
  collectCoverage: true,
  coverageProvider: 'v8',
  collectCoverageFrom: stryker.mutate,
  coverageDirectory: '<rootDir>/bench/results/mutation/coverage',
  coverageReporters: ['json', 'text-summary'],
};
