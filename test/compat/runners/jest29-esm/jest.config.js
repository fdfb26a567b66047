// Jest 29 on native ES modules: no transform, fray's environment, run with
// node --experimental-vm-modules node_modules/jest/bin/jest.js
export default {
  testEnvironment: 'fray/jest/environment',
  testMatch: ['<rootDir>/*.spec.js'],
  transform: {},
};
