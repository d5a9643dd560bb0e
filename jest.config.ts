import type { Config } from 'jest';

/**
 * ts-jest compiles each file on its own (`tsconfig.jest.json`: `isolatedModules`), without a type
 * check: `npm run typecheck` checks types before the suites run, and a clean clone compiles every
 * file about twice as fast this way.
 */
const transform: Config['transform'] = {
  '^.+\\.tsx?$': ['ts-jest', { tsconfig: 'tsconfig.jest.json', diagnostics: false }],
};

/**
 * Jest runs TypeScript through ts-jest; suites live under __tests__ mirroring the source tree.
 * Two projects: every suite on Express 5 (the `express` dev dependency), and the Express-facing
 * suites again on Express 4 (the `express4` alias, mapped in place of `express`).
 */
const config: Config = {
  testTimeout: 60_000,
  maxWorkers: 2,
  // Suites that measure the heap (stalled Redis, channel expiry, soak) need a worker that earlier
  // suites left nothing in: a worker past this size after a suite (the 100k and soak suites) is replaced.
  workerIdleMemoryLimit: '500MB',
  // ... and those suites start first, each in a fresh worker (scripts/testSequencer.js).
  testSequencer: '<rootDir>/scripts/testSequencer.js',
  projects: [
    {
      displayName: 'express5',
      testEnvironment: 'node',
      roots: ['<rootDir>/__tests__'],
      testMatch: ['**/*.test.ts', '**/*.test.tsx'],
      transform,
    },
    {
      displayName: 'express4',
      testEnvironment: 'node',
      roots: ['<rootDir>/__tests__'],
      testMatch: ['**/middleware/*.test.ts', '**/lib/testing/*.test.ts'],
      transform,
      moduleNameMapper: { '^express$': 'express4', '^express/(.*)$': 'express4/$1' },
      setupFiles: ['<rootDir>/__tests__/support/expectExpress4.ts'],
    },
  ],
};

export default config;
