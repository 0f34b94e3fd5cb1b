/**
 * The SQL files a mapping (`sql`) or an experiment (`exposure.sql`) names, read and checked when
 * the project loads: a .sql file inside the project, readable, not empty. A mapping also gets its
 * recheck, validation and query timeout settings resolved here, beside its SQL.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { error } from '../diagnostics/diagnostic.js';
import { parseDuration } from '../util/time.js';
import { field, type ModuleValue } from './module-value.js';
import { DEFAULTS, type LoadedExperiment, type LoadedMapping, type LoadedProject } from './project.js';
import type { ExperimentConfig, MappingConfig } from './types.js';

/** A mapping module with its SQL file read (and checked) and its settings resolved. */
export function withSql(
  root: string,
  m: ModuleValue,
  settings: LoadedProject['settings'],
  diagnostics: Diagnostic[],
): LoadedMapping {
  const config = m.value as unknown as MappingConfig;
  const sql =
    typeof config.sql === 'string'
      ? readSqlFile(root, m, { key: 'sql', path: config.sql, what: 'mapping' }, diagnostics)
      : undefined;
  const sqlText = sql?.text ?? '';
  if (sql?.text !== undefined && sqlText.trim() === '') {
    diagnostics.push(
      error('mapping.sql-empty', `The SQL file '${sql.file}' is empty.`, {
        file: m.file,
        field: field(m.prefix, 'sql'),
        hint: 'Write the query whose result set is ingested.',
      }),
    );
  }
  const sqlFile = sql?.file ?? '';
  return {
    config,
    file: m.file,
    sqlFile,
    sqlText,
    recheck: { ...DEFAULTS.recheck, ...settings.recheck, ...config.recheck },
    validation: { ...DEFAULTS.validation, ...settings.validation, ...config.validation },
    queryTimeoutMs: durationMs(config.queryTimeout ?? settings.queryTimeout),
  };
}

/** An experiment module; when its exposure is a SQL file, the file is read (and checked) here. */
export function withExposureSql(root: string, m: ModuleValue, diagnostics: Diagnostic[]): LoadedExperiment {
  const config = m.value as unknown as ExperimentConfig;
  if (config.exposure.kind !== 'sql') return { config, file: m.file };
  const sql = readSqlFile(root, m, { key: 'exposure.sql', path: config.exposure.sql, what: 'experiment' }, diagnostics);
  if (sql?.text === undefined) return { config, file: m.file };
  if (sql.text.trim() === '') {
    diagnostics.push(
      error('experiment.sql-empty', `The exposure SQL file '${sql.file}' is empty.`, {
        file: m.file,
        field: field(m.prefix, 'exposure.sql'),
        hint: 'Select unit_id, group_name, exposure_time and exposure_day.',
      }),
    );
  }
  return { config, file: m.file, exposureSqlFile: sql.file, exposureSqlText: sql.text };
}

/**
 * Reads the SQL file a module's `key` names, relative to the module's folder. It must end in
 * .sql, stay inside the project (a path out of the repository would make the query depend
 * on files the repository does not version), and be a readable file. `text` is undefined
 * when it is not; the diagnostic says why.
 */
function readSqlFile(
  root: string,
  m: ModuleValue,
  { key, path, what }: { key: string; path: string; what: 'mapping' | 'experiment' },
  diagnostics: Diagnostic[],
): { file: string; text?: string } {
  const absolute = join(root, dirname(m.file), path);
  const file = relative(root, absolute);
  const where = { file: m.file, field: field(m.prefix, key) };
  const label = what === 'mapping' ? 'The SQL file' : 'The exposure SQL file';
  const fail = (code: string, summary: string, hint: string) => {
    diagnostics.push(error(`${what}.${code}`, summary, { ...where, hint }));
    return { file };
  };
  if (!path.endsWith('.sql'))
    return fail(
      'sql-extension',
      `${label} '${path}' must end in .sql.`,
      'Keep the query in a .sql file beside the module and give its relative path.',
    );
  if (file.startsWith('..') || isAbsolute(file)) {
    return fail(
      'sql-outside-project',
      `${label} '${path}' points outside the project folder.`,
      'Keep SQL files inside the repository, beside the module or in a folder of the project.',
    );
  }
  if (!existsSync(absolute))
    return fail(
      'sql-missing',
      `${label} '${file}' does not exist.`,
      `Create it, or fix the path (it is relative to ${dirname(m.file)}/).`,
    );
  if (statSync(absolute).isDirectory())
    return fail(
      'sql-not-a-file',
      `${label} '${file}' is a directory, not a file.`,
      'Point the path at the .sql file inside it.',
    );
  try {
    return { file, text: readFileSync(absolute, 'utf8') };
  } catch (err) {
    return fail(
      'sql-unreadable',
      `${label} '${file}' could not be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}.`,
      'Check the file permissions.',
    );
  }
}

/** A duration in milliseconds; an invalid one (already reported by the schema check) gives the default. */
function durationMs(value: string): number {
  try {
    return parseDuration(value);
  } catch {
    return parseDuration(DEFAULTS.queryTimeout);
  }
}
