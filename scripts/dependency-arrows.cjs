/**
 * The allowed dependency arrows between the folders of framework/: read by
 * .dependency-cruiser.cjs (which checks every import against them) and by
 * test/architecture.test.ts (which keeps docs/architecture.md showing the same table).
 */

/**
 * Folder → folders its code may import (values and types). Every folder may also import its
 * own files, `config/types.ts` for types only (the configuration's vocabulary), and packages.
 */
const ARROWS = {
  diagnostics: [],
  util: ['diagnostics'],
  demo: ['util', 'diagnostics'],
  // connectors → demo: a DuckDB source with `generate: 'demo'` makes the demo warehouse on open.
  connectors: ['demo', 'util', 'diagnostics'],
  notify: ['util', 'diagnostics'],
  config: ['connectors', 'notify', 'util', 'diagnostics'],
  store: ['util', 'diagnostics'],
  state: ['config', 'store', 'util', 'diagnostics'],
  plan: ['state', 'util', 'diagnostics'],
  engine: ['config', 'connectors', 'store', 'util', 'diagnostics'],
  // schedule → engine: `schedule/engine-adapters.ts` loads and probes days through the engine.
  schedule: ['config', 'engine', 'store', 'util', 'diagnostics'],
  // experiments → connectors: an experiment with a `warehouse` runs through its source's SQL session.
  experiments: ['connectors', 'store', 'util', 'diagnostics'],
  apply: ['config', 'engine', 'plan', 'state', 'store', 'util', 'diagnostics'],
  status: ['charts', 'util', 'diagnostics'],
  charts: ['util', 'diagnostics'],
  github: ['util', 'diagnostics'],
  init: ['util', 'diagnostics'],
  views: ['plan', 'util', 'diagnostics'],
  agent: [
    'apply',
    'charts',
    'config',
    'engine',
    'experiments',
    'notify',
    'schedule',
    'state',
    'status',
    'store',
    'util',
    'views',
    'diagnostics',
  ],
  cli: [
    'agent',
    'apply',
    'config',
    'engine',
    'experiments',
    'github',
    'init',
    'plan',
    'schedule',
    'state',
    'status',
    'store',
    'util',
    'views',
    'diagnostics',
  ],
  testing: [],
  'index.ts': ['config', 'connectors', 'notify', 'util', 'diagnostics'],
};

/** Folder → further folders it may import for types only (no run-time arrow). */
const TYPE_ONLY_ARROWS = {
  notify: ['connectors', 'store'],
  schedule: ['connectors'],
  status: ['store'],
  charts: ['experiments', 'status'],
  experiments: ['config'],
  plan: ['config'],
  apply: ['config'],
  views: ['apply', 'config', 'engine', 'experiments', 'github', 'init', 'state', 'status', 'store'],
};

module.exports = { ARROWS, TYPE_ONLY_ARROWS };
