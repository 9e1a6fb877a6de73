import Module from 'node:module';

// Jest loads globalSetup/globalTeardown with require() after transpiling them to CommonJS, and
// Node's CommonJS resolver does not map our TypeScript `./x.js` import specifiers to `./x.ts` (the
// moduleNameMapper below does that for test files only). Map them for .ts parents, as tsc does.
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolveTs(request, parent, ...rest) {
  try {
    return resolveFilename.call(this, request, parent, ...rest);
  } catch (error) {
    if (!/^\.{1,2}\/.*\.js$/.test(request) || !parent?.filename?.endsWith('.ts')) throw error;
    return resolveFilename.call(this, request.replace(/\.js$/, '.ts'), parent, ...rest);
  }
};

// Three projects: fast unit tests, integration tests against real registries and servers on
// loopback, and end-to-end tests against the real-cluster testbed. `npm test` runs all three.
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'es6' },
      sourceMaps: 'inline',
    },
  ],
};
const common = {
  transform,
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testEnvironment: 'node',
};

export default {
  // The e2e files share one cluster and one webhook (one of them stops it): they must run one after
  // another, and kubelet outcomes take tens of seconds. Jest takes maxWorkers and testTimeout only
  // at the root, so they are set whenever the e2e project runs.
  ...(runsE2e() ? { maxWorkers: 1, testTimeout: 240_000 } : {}),
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      // Brings the testbed up once, deploys pullguard; skips the suite where no testbed can run.
      globalSetup: '<rootDir>/test/e2e/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/e2e/support/global-teardown.ts',
    },
  ],
};

function runsE2e() {
  const argv = process.argv;
  const selected = argv.flatMap((arg, i) =>
    arg === '--selectProjects' ? argv.slice(i + 1).filter((a) => !a.startsWith('-')) : [],
  );
  return selected.length === 0 || selected.includes('e2e');
}
