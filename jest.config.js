// Unit specs live beside the code (src, *.spec.ts); e2e specs drive real service processes (test,
// *.e2e-spec.ts); medium specs run SQL against a cloned database; browser specs drive the dashboard.
module.exports = {
  testEnvironment: 'node',
  setupFiles: ['reflect-metadata'],
  roots: ['<rootDir>/src', '<rootDir>/test', '<rootDir>/sdk/test'],
  testRegex: '.*\\.(spec|e2e-spec|medium-spec|browser-spec)\\.ts$',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60_000,
  slowTestThreshold: 20,
};
