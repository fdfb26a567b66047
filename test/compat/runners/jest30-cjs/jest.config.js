// The default NestJS set-up: CommonJS, TypeScript through ts-jest (or @swc/jest with
// TRANSFORM=swc), and fray's environment for the matchers and the leak checks.
module.exports = {
  testEnvironment: 'fray/jest/environment',
  testMatch: ['<rootDir>/*.spec.ts'],
  transform: {
    '^.+\\.ts$': process.env.TRANSFORM === 'swc' ? ['@swc/jest'] : ['ts-jest'],
  },
};
