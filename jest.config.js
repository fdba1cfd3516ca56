// Unit tests are pure and fast; integration tests start real SMTP servers, a real
// redis-server and child processes, so they get a longer timeout. Both run from the
// TypeScript sources through @swc/jest; worker threads and child processes load the
// compiled dist/ build, which `npm test` builds first (see the pretest script).
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  testTimeout: 60000,
  maxWorkers: 2,
};
