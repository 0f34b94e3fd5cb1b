/**
 * The configuration model. These types are the single source of truth: the JSON Schema in
 * `schema/` is generated from them (`npm run schema`), and the loader validates every module
 * against that schema at run time, because modules may also be plain JavaScript.
 *
 * Keep each exported type documented: the comments become the schema's descriptions.
 */

/** A reference to a secret held in an environment variable. Only the name is config. */
export interface SecretRef {
  /**
   * Name of the environment variable holding the value.
   * @pattern ^[A-Za-z_][A-Za-z0-9_]*$
   */
  env: string;
}

/**
 * An ISO calendar date.
 * @pattern ^\d{4}-\d{2}-\d{2}$
 */
export type IsoDate = string;

/**
 * A time of day, 24-hour clock.
 * @pattern ^([01]\d|2[0-3]):[0-5]\d$
 */
export type TimeOfDay = string;

/**
 * A duration such as `30m`, `2h`, `1d` or `90s`.
 * @pattern ^\d+(s|m|h|d)$
 */
export type Duration = string;

/**
 * A duration greater than zero, for intervals between checks: `30m`, `1h`, `90s`.
 * @pattern ^0*[1-9]\d*(s|m|h|d)$
 */
export type Interval = string;

/**
 * A time zone: `PST` (a fixed UTC-8, never PDT, as the seeds specify), `UTC`, a fixed offset
 * such as `UTC-8` or `+05:30`, or an IANA zone name such as `Europe/Berlin`.
 */
export type TimeZone = string;

/**
 * A name: lower-case letters, digits and underscores, starting with a letter.
 * @pattern ^[a-z][a-z0-9_]{0,62}$
 */
export type Name = string;

// ---------------------------------------------------------------------------------------
// Sources
// ---------------------------------------------------------------------------------------

/** Fields every source has, built-in or from a plugin. */
export interface SourceBase {
  /** Unique name that mappings refer to. */
  name: Name;
  description?: string;
  /**
   * How many days may be loaded from this source at once.
   * @TJS-type integer
   * @minimum 1
   * @default 2
   */
  maxConcurrency?: number;
}

/** A local DuckDB database file; the embedded default and the demo warehouse. */
export interface DuckDBSource extends SourceBase {
  kind: 'duckdb';
  /** Path of the database file, relative to the project root. */
  path: string;
  /**
   * When set to `demo`, the file is generated with Wharf's deterministic demo data the first
   * time it is used (if it does not exist).
   */
  generate?: 'demo';
  /** Key of an encrypted database file (DuckDB 1.4+ encryption), from an environment variable. */
  encryptionKey?: SecretRef;
}

/** TLS settings for PostgreSQL-protocol sources. */
export interface TlsOptions {
  /** @default true */
  rejectUnauthorized?: boolean;
  /** PEM CA bundle path, relative to the project root. */
  caFile?: string;
}

interface PostgresProtocolSource extends SourceBase {
  /** A full connection URL, kept in an environment variable (it holds the password). */
  url?: SecretRef;
  host?: string;
  /**
   * @TJS-type integer
   * @minimum 1
   * @maximum 65535
   */
  port?: number;
  database?: string;
  user?: string;
  password?: SecretRef;
  /** `true` for TLS with certificate checks, or detailed options. */
  ssl?: boolean | TlsOptions;
}

/** A PostgreSQL database. */
export interface PostgresSource extends PostgresProtocolSource {
  kind: 'postgres';
}

/** An Amazon Redshift cluster (PostgreSQL protocol; port 5439 by default). */
export interface RedshiftSource extends PostgresProtocolSource {
  kind: 'redshift';
}

/** A Snowflake account. Password or key-pair authentication. */
export interface SnowflakeSource extends SourceBase {
  kind: 'snowflake';
  /** Account identifier, e.g. `xy12345.us-east-1`. */
  account: string;
  username: string;
  password?: SecretRef;
  /** PEM private key for key-pair auth, from an environment variable. */
  privateKey?: SecretRef;
  /** PEM private key file for key-pair auth, relative to the project root. */
  privateKeyPath?: string;
  privateKeyPassphrase?: SecretRef;
  role?: string;
  warehouse?: string;
  database?: string;
  schema?: string;
  /** Override of the account URL (private link, or a local test endpoint). */
  accessUrl?: string;
}

/** A Google BigQuery project. */
export interface BigQuerySource extends SourceBase {
  kind: 'bigquery';
  projectId: string;
  /** Dataset location, e.g. `US` or `EU`. */
  location?: string;
  /** Service-account key JSON held in an environment variable. */
  credentials?: SecretRef;
  /** Path of a service-account key file, relative to the project root. */
  keyFilename?: string;
  /** Override of the API endpoint (a local test endpoint). */
  apiEndpoint?: string;
}

/**
 * An S3 bucket (or S3-compatible store) with `events/`, `metrics/` and `signals/` folders,
 * each with `YYYY-MM-DD` subfolders of parquet files.
 */
export interface S3Source extends SourceBase {
  kind: 's3';
  region: string;
  bucket: string;
  /** Folder inside the bucket that holds `events/`, `metrics/` and `signals/`. */
  prefix?: string;
  /** Endpoint of an S3-compatible store. */
  endpoint?: string;
  /** Path-style addressing, needed by most S3-compatible stores. */
  forcePathStyle?: boolean;
  /** Static credentials; without them the default AWS credential chain is used. */
  accessKeyId?: SecretRef;
  secretAccessKey?: SecretRef;
}

/**
 * Sources contributed by plugins. A plugin package augments this interface so that its
 * source kind type-checks in users' modules:
 *
 *     declare module '@wharf/framework' {
 *       interface PluginSourceTypes { athena: AthenaSource }
 *     }
 *
 * where `AthenaSource extends SourceBase` with `kind: 'athena'`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface PluginSourceTypes {}

/**
 * The built-in source kinds and their config types. The union below follows from it, and
 * connectors/registry.ts (BUILTIN_CONNECTORS: each kind's connector and schema definition,
 * from which the loader and the schema generator read) must list exactly these kinds, which
 * the compiler checks. A new built-in kind is one line here and one there.
 */
export interface BuiltinSourceTypes {
  duckdb: DuckDBSource;
  postgres: PostgresSource;
  redshift: RedshiftSource;
  snowflake: SnowflakeSource;
  bigquery: BigQuerySource;
  s3: S3Source;
}

export type BuiltinSourceKind = keyof BuiltinSourceTypes;

export type BuiltinSourceConfig = BuiltinSourceTypes[BuiltinSourceKind];

export type SourceConfig = BuiltinSourceConfig | PluginSourceTypes[keyof PluginSourceTypes];

// ---------------------------------------------------------------------------------------
// Mappings
// ---------------------------------------------------------------------------------------

/** A constant value for a target column, used for every row. */
export interface Constant {
  constant: string | number | boolean | null;
}

/** A result column of the mapping's SQL (by name), or a constant. */
export type ColumnValue = string | Constant;

/** Custom id type → the result column holding that id, e.g. `{ stableID: 'device_id' }`. */
export interface CustomIdColumns {
  [idType: string]: string;
}

/**
 * Where each `events` column comes from. The user is either one JSON column (`user`) or built
 * from id columns (`userID`, `customIDs`); at least one of them must be mapped.
 */
export interface EventColumns {
  /** UNIX seconds or milliseconds, or a timestamp type; UTC. */
  timestamp: string;
  event_name: ColumnValue;
  event_value?: ColumnValue;
  /** A JSON object of strings (a JSON string or a struct/JSON column). */
  event_metadata?: string;
  /** A JSON user object with `userID` and/or `customIDs`. */
  user?: string;
  /** Column holding the userID. */
  userID?: string;
  /** Custom id type → column holding that id, e.g. `{ stableID: 'device_id' }`. */
  customIDs?: CustomIdColumns;
  /** A UUID used to deduplicate; generated when not mapped. */
  timeuuid?: string;
}

/** Where each `metrics` column comes from. Map `metric_value`, or `numerator` and `denominator`. */
export interface MetricColumns {
  unit_id: string;
  /** Must be one of the project's declared id types (case-sensitive). */
  id_type: ColumnValue;
  /**
   * The metric's date column (ISO date or a date type); the day filter uses it.
   * @minLength 1
   */
  date: string;
  metric_name: ColumnValue;
  metric_value?: string;
  numerator?: string;
  denominator?: string;
}

/** How strictly rows are checked against the seed contract. */
export interface ValidationPolicy {
  /**
   * A day fails, leaving its previously loaded version untouched, when more than this fraction
   * of its rows is rejected.
   * @minimum 0
   * @maximum 1
   * @default 0.05
   */
  maxRejectRate?: number;
}

/** Change detection after a day's first load (seed: 3 days, 5%; the FAQ's 14 days, 1% also works). */
export interface RecheckPolicy {
  /**
   * For how many days after its first load a day is rechecked.
   * @minimum 0
   * @maximum 90
   */
  days?: number;
  /**
   * Reload when the source row count changed by more than this fraction (0.05 = 5%).
   * @minimum 0
   * @maximum 1
   */
  threshold?: number;
  /** Also reload when the content fingerprint changed though the count moved less. */
  reloadOnFingerprintChange?: boolean;
}

/**
 * Which already-loaded days `apply` reloads when a mapping's SQL or columns change:
 * `recheck-window` (default) the days still inside the recheck window, `all` every loaded
 * day, `none` nothing until a backfill is asked for.
 */
export type RestatePolicy = 'all' | 'recheck-window' | 'none';

interface MappingBase {
  /** Unique name of this ingestion. */
  name: Name;
  description?: string;
  /** Name of the source to query. */
  source: Name;
  /** Path of the `.sql` file with the query, relative to this module's file. */
  sql: string;
  /** Name of the schedule. */
  schedule: Name;
  /** First day to ingest; the initial backfill starts here. */
  startDate: IsoDate;
  /** Who is notified about this ingestion (an e-mail address or a handle). */
  owner?: string;
  validation?: ValidationPolicy;
  recheck?: RecheckPolicy;
  restate?: RestatePolicy;
  /**
   * Longest a statement of this mapping's query may run in the warehouse before it is
   * cancelled there and the day fails (`query.timeout`). Default: the project's, else 30m.
   */
  queryTimeout?: Duration;
}

/** An ingestion into the `events` dataset. */
export interface EventsMapping extends MappingBase {
  dataset: 'events';
  columns: EventColumns;
}

/** An ingestion into the `metrics` dataset. */
export interface MetricsMapping extends MappingBase {
  dataset: 'metrics';
  columns: MetricColumns;
}

export type MappingConfig = EventsMapping | MetricsMapping;
export type Dataset = MappingConfig['dataset'];

// ---------------------------------------------------------------------------------------
// Schedules
// ---------------------------------------------------------------------------------------

interface ScheduleBase {
  name: Name;
  description?: string;
}

/**
 * Every day at a time of day (PST, a fixed UTC-8, by default): check whether the source has
 * data for the latest complete day and load it; if not, check again every `retryEvery` until
 * `cutoff` after the first check, then record the day as succeeded with no data.
 */
export interface DailySchedule extends ScheduleBase {
  kind: 'daily';
  at: TimeOfDay;
  /** Zone of `at`; defaults to the project's `timeZone`. */
  timeZone?: TimeZone;
  /** @default "1h" */
  retryEvery?: Interval;
  /** @default "12h" */
  cutoff?: Duration;
}

/** No automatic load: `mark_data_ready` requests trigger loads. Rechecks still run. */
export interface ApiSchedule extends ScheduleBase {
  kind: 'api';
  /** @default "2h" */
  rateLimit?: Duration;
}

/**
 * Load when a `finished_date` signal advances: every day up to the latest finished date is
 * complete. The signal is a table or SQL query on a source with one column `finished_date`,
 * or the `signals/` folder of an S3 source.
 */
export interface SignalSchedule extends ScheduleBase {
  kind: 'signal';
  /** Source holding the signal dataset. */
  source: Name;
  /** Table with a `finished_date` column (not for S3 sources, which use `signals/`). */
  table?: string;
  /** @default "15m" */
  pollEvery?: Interval;
}

export type ScheduleConfig = DailySchedule | ApiSchedule | SignalSchedule;

// ---------------------------------------------------------------------------------------
// Project (wharf.config.ts)
// ---------------------------------------------------------------------------------------

/** The embedded store: a DuckDB file. */
export interface DuckDBStoreConfig {
  kind: 'duckdb';
  /** @default ".wharf/store.duckdb" */
  path?: string;
}

/** A PostgreSQL store, shared by several agents. */
export interface PostgresStoreConfig {
  kind: 'postgres';
  url: SecretRef;
  /**
   * The PostgreSQL schema the store's tables live in (created if missing): lower-case letters,
   * digits and underscores, not starting with a digit.
   * @default "wharf"
   * @pattern ^[a-z_][a-z0-9_]*$
   * @maxLength 63
   */
  schema?: string;
}

export type StoreConfig = DuckDBStoreConfig | PostgresStoreConfig;

export interface SlackNotifier {
  kind: 'slack';
  webhookUrl: SecretRef;
}

export interface EmailNotifier {
  kind: 'email';
  /** SMTP URL, e.g. `smtps://user:pass@mail.example.com`. */
  smtpUrl: SecretRef;
  from: string;
  to: string[];
}

export interface WebhookNotifier {
  kind: 'webhook';
  url: SecretRef;
}

export type NotifierConfig = SlackNotifier | EmailNotifier | WebhookNotifier;

/**
 * A notification target provided by a plugin: `kind` names it, and the plugin's own schema
 * checks the other fields when the project loads.
 */
export interface PluginNotifierConfig {
  kind: string;
  [field: string]: unknown;
}

export interface NotificationPolicy {
  targets?: (NotifierConfig | PluginNotifierConfig)[];
  /** @default true */
  onFailure?: boolean;
  /** @default false */
  onNoData?: boolean;
  /** @default true */
  onRecovery?: boolean;
}

/** Project-wide settings, exported from `wharf.config.ts`. */
export interface ProjectConfig {
  name: Name;
  /** @default { "kind": "duckdb", "path": ".wharf/store.duckdb" } */
  store?: StoreConfig;
  /** Id types beyond the defaults `user_id` and `stable_id`, e.g. `company_id`. Case-sensitive. */
  customIdTypes?: string[];
  /** Zone that day boundaries and schedule times use. @default "PST" */
  timeZone?: TimeZone;
  /** Folder of status reports in this repository. @default "status" */
  statusDir?: string;
  /** Default change detection for every mapping. @default { "days": 3, "threshold": 0.05 } */
  recheck?: RecheckPolicy;
  /** Default reject threshold for every mapping. */
  validation?: ValidationPolicy;
  /** Default query timeout of every mapping (see the mapping's `queryTimeout`). @default "30m" */
  queryTimeout?: Duration;
  notifications?: NotificationPolicy;
  /** Plugin packages providing extra connectors or notifiers. */
  plugins?: string[];
}

// ---------------------------------------------------------------------------------------
// Experiments (the Warehouse Native pipeline, seed 004)
// ---------------------------------------------------------------------------------------

/**
 * Exposures read from an `events` ingestion: every event named `eventName` is an exposure of
 * its unit, and the group is the event's value (or one key of its metadata).
 */
export interface EventsExposureSource {
  kind: 'events';
  /** Name of an `events` mapping (ingestion). */
  ingestion: Name;
  /** Event name of the exposure events, e.g. `experiment_exposure`. */
  eventName: string;
  /**
   * Where the group name is: `event_value` (default) or a key of `event_metadata`.
   * @default "event_value"
   */
  groupFrom?: 'event_value' | { metadataKey: string };
  /** Only events whose metadata has these key/value pairs, e.g. `{ experiment: 'checkout_button' }`. */
  metadata?: MetadataFilter;
}

/** Metadata key → required value. */
export interface MetadataFilter {
  [key: string]: string;
}

/**
 * Exposures from a SQL file run in the store. Its result set has the columns `unit_id`,
 * `group_name`, `exposure_time` (a timestamp, UTC) and `exposure_day` (a date).
 */
export interface SqlExposureSource {
  kind: 'sql';
  /** Path of the `.sql` file, relative to this module's file. */
  sql: string;
}

export type ExposureSource = EventsExposureSource | SqlExposureSource;

/** One group (variant) of an experiment. */
export interface ExperimentGroup {
  /** The group name as the exposures carry it. */
  name: string;
  /**
   * Expected share of units: fractions summing to 1, or percentages summing to 100.
   * @exclusiveMinimum 0
   */
  split: number;
  /** Exactly one group is the control. */
  control?: boolean;
}

/**
 * Winsorization of a metric: unit-level values above the `upper` percentile (pooled over the
 * groups, per rollup period) are capped at it; `lower` likewise caps from below.
 */
export interface WinsorizeSettings {
  /**
   * Upper percentile as a fraction; Statsig's default, the 99.9th percentile.
   * @exclusiveMinimum 0.5
   * @maximum 1
   * @default 0.999
   */
  upper?: number;
  /**
   * Lower percentile as a fraction; no lower cap when absent.
   * @minimum 0
   * @exclusiveMaximum 0.5
   */
  lower?: number;
  /**
   * Compute the percentiles over the units with a non-zero value only (as Statsig does), so a
   * metric most units never trigger is not capped at 0. Units with 0 keep their 0.
   * @default false
   */
  excludeZeros?: boolean;
}

interface ExperimentMetricBase {
  /** Name of the metric in results (unique within the experiment). */
  name: Name;
  description?: string;
  /** `true` for the default 99.9th percentile cap, or explicit percentiles. Off when absent. */
  winsorize?: boolean | WinsorizeSettings;
}

/**
 * A metric from a `metrics` ingestion. `sum`: the unit's total of metric_value; `mean`: the
 * unit's total over its number of rows (delta method at group level); `ratio`: total
 * numerator over total denominator (rows with a null denominator do not count).
 */
export interface IngestedMetric extends ExperimentMetricBase {
  source: 'metrics';
  /** Name of a `metrics` mapping (ingestion). */
  ingestion: Name;
  /** metric_name in the ingested rows; defaults to `name`. */
  metricName?: string;
  aggregation: 'sum' | 'mean' | 'ratio';
}

/** A metric from an `events` ingestion: the count of events, or the sum of their numeric values. */
export interface EventMetric extends ExperimentMetricBase {
  source: 'events';
  /** Name of an `events` mapping (ingestion). */
  ingestion: Name;
  eventName: string;
  aggregation: 'count' | 'sum';
}

/**
 * A simple funnel of event steps in order: the share of units that reached the first step
 * after exposure and went on to reach every later step, each at or after the previous one.
 */
export interface FunnelMetric extends ExperimentMetricBase {
  source: 'funnel';
  /** Name of an `events` mapping (ingestion). */
  ingestion: Name;
  /**
   * Event names of the steps, in order.
   * @minItems 2
   */
  steps: string[];
}

export type ExperimentMetric = IngestedMetric | EventMetric | FunnelMetric;

/** CUPED regression adjustment with data from before each unit's exposure. */
export interface CupedSettings {
  /**
   * Days before the exposure day whose data is the covariate (Statsig's default: 7).
   * @minimum 1
   * @maximum 90
   * @default 7
   */
  preExposureDays?: number;
}

/**
 * An experiment analysed where the data lives (seed 004's Warehouse Native pipeline):
 * exposures, metrics and the statistics settings. Exported from a module in `experiments/`.
 */
export interface ExperimentConfig {
  /** Unique name; the artifact tables are named after it, e.g. `<name>_first_exposures`. */
  name: Name;
  description?: string;
  exposure: ExposureSource;
  /** The unit of randomization: a declared id type (case-sensitive). */
  idType: string;
  /** @minItems 2 */
  groups: ExperimentGroup[];
  /** First day of exposures included. */
  startDate: IsoDate;
  /** Last day of exposures and metric data included; open-ended when absent. */
  endDate?: IsoDate;
  /** @minItems 1 */
  metrics: ExperimentMetric[];
  /**
   * CUPED on every metric except funnels: `true` (default, a 7-day pre-exposure window),
   * `false`, or settings.
   * @default true
   */
  cuped?: boolean | CupedSettings;
  /**
   * Two-sided significance level of p-values and confidence intervals.
   * @exclusiveMinimum 0
   * @maximum 0.5
   * @default 0.05
   */
  significanceLevel?: number;
  /**
   * The test of each group against the control: `t`, Welch's t test with Welch–Satterthwaite
   * degrees of freedom (GrowthBook's choice), or `z`, the normal approximation (Statsig's
   * choice; at large samples the two agree).
   * @default "t"
   */
  statisticalTest?: 't' | 'z';
  /** Who is told about this experiment's results. */
  owner?: string;
  /**
   * Name of a source to run the pipeline in (warehouse-native): its exposures and metrics are
   * read there through the ingestions' SQL, and the artifact tables, the refresh state and the
   * job history are written to `warehouseSchema` there. Without it the pipeline runs in the store.
   */
  warehouse?: Name;
  /**
   * Schema (BigQuery: dataset) of the warehouse that holds the artifact tables, the refresh
   * state and the job history; created when missing. Only with `warehouse`.
   * @pattern ^[a-z_][a-z0-9_]*$
   * @default "wharf_experiments"
   */
  warehouseSchema?: string;
}
