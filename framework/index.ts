/**
 * Wharf's public API: what config modules and plugins import.
 */
export { defineProject, defineSource, defineMapping, defineSchedule, defineExperiment, env } from './config/define.js';
export type * from './config/types.js';
export { defineConnector } from './connectors/define.js';
export type * from './connectors/types.js';
export { definePlugin, type WharfPlugin } from './config/plugins.js';
export { WharfError } from './diagnostics/errors.js';
