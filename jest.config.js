/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true } }],
  },
  testTimeout: 60000,
  // A failing test may leave a socket or a child open: report it, do not hang CI on it.
  forceExit: true,
};
