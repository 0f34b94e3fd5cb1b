/**
 * Rules that span modules or that the schema cannot express: references between modules,
 * the seed contract's required target columns, declared id types, valid dates and zones.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { error } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import { isIsoDate, parseZone } from '../util/time.js';
import type { LoadedMapping, LoadedProject, Located } from './project.js';
import type { ColumnValue, EventColumns, MetricColumns, ScheduleConfig } from './types.js';

/**
 * `unavailableSources` names sources that exist but whose kind's plugin could not be loaded
 * (name → why); references to them say what to install rather than "not defined".
 * `incomplete` holds the files of modules that failed the schema: only their references
 * (fields that are present and are strings) are checked, the rest was reported already.
 */
export function checkCrossReferences(
  project: LoadedProject,
  unavailableSources: ReadonlyMap<string, string> = new Map(),
  incomplete: ReadonlySet<string> = new Set(),
): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (!parseZone(project.settings.timeZone)) {
    out.push(
      error('project.time-zone', `Unknown time zone '${project.settings.timeZone}'.`, {
        file: project.configFile,
        field: 'timeZone',
        hint: zoneHint,
      }),
    );
  }
  for (const mapping of project.mappings.values()) {
    out.push(...checkMappingReferences(project, mapping, unavailableSources));
    if (!incomplete.has(mapping.file)) out.push(...checkMapping(project, mapping));
  }
  for (const schedule of project.schedules.values())
    out.push(...checkSchedule(project, schedule, unavailableSources, incomplete));
  return out;
}

/** A schedule's time zone, and a signal schedule's source and table. */
function checkSchedule(
  project: LoadedProject,
  { config, file }: Located<ScheduleConfig>,
  unavailableSources: ReadonlyMap<string, string>,
  incomplete: ReadonlySet<string>,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (config.kind === 'daily' && typeof config.timeZone === 'string' && !parseZone(config.timeZone)) {
    out.push(
      error('schedule.time-zone', `Unknown time zone '${config.timeZone}'.`, {
        file,
        field: 'timeZone',
        hint: zoneHint,
      }),
    );
  }
  if (config.kind === 'signal' && typeof config.source === 'string') {
    const source = project.sources.get(config.source);
    const why = unavailableSources.get(config.source);
    if (why) {
      out.push(error('schedule.source-unavailable', why, { file, field: 'source' }));
    } else if (!source) {
      out.push(
        error(
          'schedule.unknown-source',
          `The signal source '${config.source}' is not defined.${didYouMean(config.source, project.sources.keys())}`,
          { file, field: 'source', hint: hintFor('source', config.source, project.sources.keys()) },
        ),
      );
    } else if (incomplete.has(source.file)) {
      // The source's own errors are reported; its kind is not known to be valid.
    } else if (source.config.kind === 's3' && config.table) {
      out.push(
        error('schedule.signal-table', "An S3 signal reads the source's signals/ folder; 'table' does not apply.", {
          file,
          field: 'table',
          hint: 'Remove table.',
        }),
      );
    } else if (source.config.kind !== 's3' && !config.table) {
      out.push(
        error(
          'schedule.signal-table',
          `A signal on a ${source.config.kind} source needs the table holding finished_date.`,
          { file, field: 'table', hint: "Set table, e.g. table: 'analytics.ingestion_signals'." },
        ),
      );
    }
  }
  return out;
}

const zoneHint =
  "Use 'PST' (a fixed UTC-8, the default), 'UTC', a fixed offset like 'UTC-5', or an IANA zone like 'America/New_York'.";

function hintFor(what: string, name: string, known: Iterable<string>): string {
  const names = [...known];
  return names.length
    ? `Use one of the defined ${what}s: ${names.join(', ')}; or create ${what}s/${name}.ts.`
    : `Create ${what}s/${name}.ts.`;
}

function isMapped(value: ColumnValue | undefined): boolean {
  return value !== undefined && (typeof value !== 'string' || value.trim() !== '');
}

/** The mapping's source and schedule exist; checked even when other fields failed the schema. */
function checkMappingReferences(
  project: LoadedProject,
  mapping: LoadedMapping,
  unavailableSources: ReadonlyMap<string, string>,
): Diagnostic[] {
  const { config, file } = mapping;
  const out: Diagnostic[] = [];
  const why = typeof config.source === 'string' ? unavailableSources.get(config.source) : undefined;
  if (why) {
    out.push(error('mapping.source-unavailable', why, { file, field: 'source' }));
  } else if (typeof config.source === 'string' && !project.sources.has(config.source)) {
    out.push(
      error(
        'mapping.unknown-source',
        `The source '${config.source}' is not defined.${didYouMean(config.source, project.sources.keys())}`,
        { file, field: 'source', hint: hintFor('source', config.source, project.sources.keys()) },
      ),
    );
  }
  if (typeof config.schedule === 'string' && !project.schedules.has(config.schedule)) {
    out.push(
      error(
        'mapping.unknown-schedule',
        `The schedule '${config.schedule}' is not defined.${didYouMean(config.schedule, project.schedules.keys())}`,
        { file, field: 'schedule', hint: hintFor('schedule', config.schedule, project.schedules.keys()) },
      ),
    );
  }
  return out;
}

function checkMapping(project: LoadedProject, mapping: LoadedMapping): Diagnostic[] {
  const { config, file } = mapping;
  const out: Diagnostic[] = [];
  if (!isIsoDate(config.startDate)) {
    out.push(
      error('mapping.start-date', `startDate '${config.startDate}' is not a real calendar date.`, {
        file,
        field: 'startDate',
        hint: 'Write it as YYYY-MM-DD.',
      }),
    );
  }
  if (config.dataset === 'events') out.push(...checkEventColumns(config.columns, file));
  else out.push(...checkMetricColumns(project, config.columns, file));
  return out;
}

/** The events contract: a user, and a usable constant event name. */
function checkEventColumns(c: EventColumns, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (!isMapped(c.user) && !isMapped(c.userID) && Object.keys(c.customIDs ?? {}).length === 0) {
    out.push(
      error('mapping.events-user', 'Events need a user: map `user` (a JSON column) or `userID` and/or `customIDs`.', {
        file,
        field: 'columns.user',
        hint: "e.g. columns: { userID: 'user_id' }",
      }),
    );
  }
  const name = constantOf(c.event_name);
  if (name !== undefined && (typeof name !== 'string' || name.length === 0 || name.length >= 128)) {
    out.push(
      error('mapping.event-name-constant', 'A constant event_name must be a non-empty string under 128 characters.', {
        file,
        field: 'columns.event_name',
      }),
    );
  }
  return out;
}

/** The metrics contract: a metric name, a value or a ratio pair, and a declared id type. */
function checkMetricColumns(project: LoadedProject, c: MetricColumns, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (!isMapped(c.metric_name)) {
    out.push(
      error(
        'mapping.metric-name',
        'metric_name must be mapped to a column or a constant (the data contract: not null).',
        {
          file,
          field: 'columns.metric_name',
          hint: "e.g. metric_name: 'metric_name' or metric_name: { constant: 'revenue' }",
        },
      ),
    );
  } else {
    const name = constantOf(c.metric_name);
    if (name !== undefined && (typeof name !== 'string' || name.length === 0 || name.length >= 128)) {
      out.push(
        error(
          'mapping.metric-name-constant',
          'A constant metric_name must be a non-empty string under 128 characters.',
          { file, field: 'columns.metric_name' },
        ),
      );
    }
  }
  const ratio = isMapped(c.numerator) || isMapped(c.denominator);
  if (ratio && !(isMapped(c.numerator) && isMapped(c.denominator))) {
    out.push(
      error('mapping.ratio-pair', 'A ratio metric maps both numerator and denominator.', {
        file,
        field: isMapped(c.numerator) ? 'columns.denominator' : 'columns.numerator',
      }),
    );
  } else if (!ratio && !isMapped(c.metric_value)) {
    out.push(
      error('mapping.metric-value', 'Map metric_value, or numerator and denominator for a ratio metric.', {
        file,
        field: 'columns.metric_value',
        hint: "e.g. metric_value: 'value'",
      }),
    );
  }
  const idType = constantOf(c.id_type);
  if (idType !== undefined && !project.settings.idTypes.includes(String(idType))) {
    out.push(
      error(
        'mapping.undeclared-id-type',
        `The id type '${String(idType)}' is not declared (declared: ${project.settings.idTypes.join(', ')}; case-sensitive).`,
        {
          file,
          field: 'columns.id_type',
          hint: `Add '${String(idType)}' to customIdTypes in ${project.configFile}, or fix the spelling.`,
        },
      ),
    );
  }
  return out;
}

function constantOf(value: ColumnValue | undefined): string | number | boolean | null | undefined {
  return value !== undefined && typeof value === 'object' ? value.constant : undefined;
}
