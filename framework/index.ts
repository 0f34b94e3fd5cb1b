/**
 * Wharf's public API: what config modules and plugins import.
 */
export { defineProject, defineSource, defineMapping, defineSchedule, defineExperiment, env } from './config/define.js';
export type * from './config/types.js';
export { defineConnector } from './connectors/define.js';
export type * from './connectors/types.js';
export { definePlugin, type WharfPlugin } from './config/plugins.js';
export { WharfError } from './diagnostics/errors.js';
export type { PluginErrorCodes, WharfErrorCode } from './diagnostics/error-codes.js';
export { registerSecret, redactSecrets } from './diagnostics/redact.js';
export {
  sqlDayQueries,
  dayQuery,
  sampleQuery,
  describeQuery,
  hasDataQuery,
  dayStatsQuery,
  type DayQueries,
} from './connectors/shared/wrapped-queries.js';
export {
  dayPredicate,
  utcWallTime,
  sqlLiteral,
  quoteIfNeeded,
  ANSI_DIALECT,
  QUERY_ALIAS,
  type SqlDialect,
} from './connectors/shared/sql-dialect.js';
export { openDuckDB, type DuckDBHandle } from './util/duckdb.js';
export {
  defineNotifier,
  type Notifier,
  type NotifierDefinition,
  type Notification,
  type NotificationEvent,
} from './notify/notifier.js';
export { abortedError, connectorError, sqlFileHint, type FailureSite } from './connectors/shared/errors.js';
export {
  StatementConnector,
  STATEMENT_CAPABILITIES,
  collectPages,
  rowPages,
  type StatementConnectorOptions,
  type StatementRunner,
  type RawResultPage,
  type ResultPage,
} from './connectors/shared/statement-connector.js';
export {
  pluginSourceSchema,
  SECRET_REF_SCHEMA,
  type PluginSourceSchemaSpec,
} from './connectors/shared/plugin-source-schema.js';
export { integerValue, textValue } from './connectors/shared/text-values.js';
export { rewritePositionalParams } from './connectors/shared/positional-params.js';
export {
  runStaged,
  type StagedTables,
  type StagingEngine,
  type StagingSchemas,
} from './connectors/shared/staged-run.js';
