// A user's Jest set-up for ESM: native ES modules (no transform), fray's environment.
export default {
  testEnvironment: 'fray/jest/environment',
  testMatch: ['**/*.sample.js'],
  transform: {},
};
