// Mutation testing (`npm run mutate`): StrykerJS with its mocha runner over the compiled unit
// tests. Stryker copies the project to a sandbox, mutates the TypeScript sources there, runs the
// project's own build (a plain esbuild transpile, which ignores types, so mutants need no type
// check) and then the unit tests that cover each mutant. `mutate` lists the files whose tests are
// held to a score; `spec` lists the compiled unit tests that exercise them.
// One file:  npm run mutate -- --mutate src/core/verification.ts
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: [
    'src/core/verification.ts',
    'src/core/opath.ts',
    'src/core/ews/throttleWindow.ts',
    'src/core/ews/responseCodes.ts',
    'src/core/remedies.ts',
    'src/core/ews/authChallenge.ts',
    'src/core/redact.ts',
    'src/core/report.ts',
    'src/core/ews/throttling.ts',
    'src/core/ews/mailboxes.ts',
  ],
  testRunner: 'mocha',
  mochaOptions: {
    spec: [
      'out/test/unit/verification.test.js',
      'out/test/unit/opath.test.js',
      'out/test/unit/procedure-gaps.test.js',
      'out/test/unit/throttle-window.test.js',
      'out/test/unit/mailbox-throttle.test.js',
      'out/test/unit/auth-challenge.test.js',
      'out/test/unit/ews-answers.test.js',
      'out/test/unit/ews-parsers.test.js',
      'out/test/unit/redact.test.js',
      'out/test/unit/report.test.js',
      'out/test/unit/secrets-link.test.js',
      'out/test/unit/throttling.test.js',
      'out/test/unit/probe-mailboxes.test.js',
    ],
  },
  buildCommand: 'node scripts/build.mjs',
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 10000,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['dist', 'out', 'reports', '*.vsix', '.stryker-tmp'],
  cleanTempDir: 'always',
};
