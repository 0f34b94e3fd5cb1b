/**
 * The allowed dependency arrows between the folders of framework/ (the table is in
 * scripts/dependency-arrows.cjs), checked by dependency-cruiser on every import (`npm run lint:arrows`, run by
 * .ci/run and by
 * test/architecture.test.ts). docs/architecture.md shows the same table; the test keeps the
 * two equal. An import that no row allows fails the check: add the arrow to the table (and to
 * the docs) only if it keeps the graph one-way.
 */

const { ARROWS, TYPE_ONLY_ARROWS } = require('./scripts/dependency-arrows.cjs');

const folder = (name) => (name.endsWith('.ts') ? `^framework/${name.replace('.', '\\.')}$` : `^framework/${name}/`);
const anyOf = (names) => `^framework/(${names.join('|')})/`;

const allowed = [
  // Packages and Node built-ins (which packages a folder may use is checked by `forbidden`).
  {
    from: {},
    to: { dependencyTypes: ['core', 'npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'] },
  },
  { from: {}, to: { path: 'node_modules' } },
  // Conformance helpers for tests (`testing/` folders) may use the test support code.
  { from: { path: '^framework/.+/testing/' }, to: { path: '^test/support/' } },
  // A folder's own files.
  { from: { path: '^framework/([^/]+)/' }, to: { path: '^framework/$1/' } },
  // The configuration's vocabulary, for types.
  { from: {}, to: { path: '^framework/config/types\\.ts$', dependencyTypes: ['type-only'] } },
  ...Object.entries(ARROWS)
    .filter(([, to]) => to.length)
    .map(([from, to]) => ({ from: { path: folder(from) }, to: { path: anyOf(to) } })),
  ...Object.entries(TYPE_ONLY_ARROWS).map(([from, to]) => ({
    from: { path: folder(from) },
    to: { path: anyOf(to), dependencyTypes: ['type-only'] },
  })),
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  allowed,
  allowedSeverity: 'error',
  forbidden: [
    {
      name: 'no-terminal-library-in-data',
      comment:
        'Plan, state, engine, schedule and store code produce data; only views and cli format it for a terminal.',
      severity: 'error',
      from: { path: '^framework/(plan|state|engine|schedule|store)/' },
      to: { path: 'node_modules/(picocolors|chalk|ansi-[^/]+|cli-[^/]+)/' },
    },
    {
      name: 'no-value-cycle',
      comment: 'Arrows are one-way: no run-time import cycle between modules.',
      severity: 'error',
      from: { path: '^framework/' },
      to: { circular: true, dependencyTypesNot: ['type-only'], viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '(^framework/(dist|templates|node_modules|scripts)/|\\.test\\.ts$)' },
    doNotFollow: { path: 'node_modules' },
    combinedDependencies: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types'],
    },
  },
};
