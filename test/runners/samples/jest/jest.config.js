// A user's Jest set-up for ESM: native ES modules (no transform), fray's environment.
// Run with: node --experimental-vm-modules node_modules/jest/bin/jest.js
export default {
  testEnvironment: 'fray/jest/environment',
  testMatch: ['**/*.sample.js'],
  transform: {},
};
