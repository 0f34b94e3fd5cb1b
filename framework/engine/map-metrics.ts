/**
 * Map and validate `metrics` rows against the seed contract: unit_id (string), id_type
 * (declared, case-sensitive), date (ISO), metric_name (not null, under 128 characters), and
 * metric_value or numerator+denominator. A metric is a ratio when any of its rows that day has
 * both parts; then only rows with a non-null denominator count, the others are rejected.
 * Whether a metric is a ratio is only known at the end of the day, so its value-only rows are
 * accepted as they come and moved to the rejects at the end (metricsToRecheck): the outcome
 * never depends on the order of the rows.
 */
import type { MetricColumns } from '../config/types.js';
import type { Row } from '../connectors/types.js';
import type { MetricRecord } from '../store/schema.js';
import { dayOf, isIsoDate, type Zone } from '../util/time.js';
import { columnReader } from './column-source.js';
import { failed, isProblem, problem, type MappedMetric, type RowProblem } from './mapped-row.js';
import { characterCount } from './character-count.js';
import { numeric, scalarText, shown } from './row-values.js';

export const MAX_NAME_LENGTH = 127;
const PARTS = ['metric_value', 'numerator', 'denominator'] as const;

export interface MetricsMapperContext {
  ingestion: string;
  /** The day being loaded; null for a sample, where each row keeps its own date. */
  day: string | null;
  idTypes: readonly string[];
  /**
   * The day-boundary zone: a timestamp in the date column belongs to its day there, as the query's day filter has it.
   */
  zone: Zone;
}

/** Reason given for a ratio metric's row without a denominator. */
export const nullDenominatorReason = (metric: string) =>
  `metric '${metric}' is a ratio metric (a row has both numerator and denominator) and this row's denominator is null; only units with a non-null denominator count`;

/** A metrics row whose columns passed their own checks (before the value/ratio rules). */
export type CheckedMetric = Omit<MetricRecord, 'ingestion'>;

/** The problem of a row with a denominator but neither numerator nor metric_value. */
export const missingNumerator = (metric: string): RowProblem =>
  problem('numerator', 'missing', `metric '${metric}' has a denominator but no numerator or metric_value`);

/** The problem of a row with neither metric_value nor both parts of a ratio. */
export const missingValue = (metric: string): RowProblem =>
  problem('metric_value', 'missing', `metric '${metric}' needs metric_value, or both numerator and denominator`);

/** The numbers of a row whose columns passed. */
export interface MetricParts {
  metric_value: number | null;
  numerator: number | null;
  denominator: number | null;
}

/**
 * The value rules one row decides alone: a numerator without a denominator (or any row of a
 * mapping with no metric_value) is a ratio row missing its denominator; otherwise a row needs
 * metric_value or both parts. Value-only rows of a metric that turns out to be a ratio are
 * the day's business (MetricsMapper.metricsToRecheck).
 */
export function rowValueProblem(name: string, p: MetricParts, ratioOnly: boolean): RowProblem | null {
  if (p.numerator !== null && p.denominator !== null) return null;
  if ((ratioOnly || p.numerator !== null) && p.denominator === null)
    return problem('denominator', 'null_in_ratio', nullDenominatorReason(name));
  if (p.metric_value === null) return p.denominator !== null ? missingNumerator(name) : missingValue(name);
  return null;
}

export class MetricsMapper {
  private readonly read;
  private readonly declared: Set<string>;
  /** Metrics seen with both numerator and denominator. */
  readonly ratioMetrics = new Set<string>();
  /** Metrics with accepted rows lacking a denominator, in case they turn out to be ratios. */
  private readonly valueOnly = new Set<string>();
  private readonly ratioOnly: boolean;

  constructor(
    columns: MetricColumns,
    private readonly ctx: MetricsMapperContext,
  ) {
    this.read = {
      unit_id: columnReader(columns.unit_id),
      id_type: columnReader(columns.id_type),
      date: columnReader(columns.date),
      metric_name: columnReader(columns.metric_name),
      metric_value: columnReader(columns.metric_value),
      numerator: columnReader(columns.numerator),
      denominator: columnReader(columns.denominator),
    };
    this.declared = new Set(ctx.idTypes);
    this.ratioOnly = columns.metric_value === undefined;
  }

  map(row: Row): MappedMetric {
    const checked = this.checkColumns(row);
    if (isProblem(checked)) return failed(checked);
    const problem = this.checkValue(checked.metric_name, checked);
    if (problem) return failed(problem);
    return { ok: true, record: { ingestion: this.ctx.ingestion, ...checked } };
  }

  /**
   * The row's columns, each checked on its own (every rule except the value/ratio rules of
   * checkValue, which depend on the day's other rows), or the first problem found.
   */
  checkColumns(row: Row): CheckedMetric | RowProblem {
    const unit = this.unitId(row);
    if (isProblem(unit)) return unit;
    const idType = this.idType(row);
    if (isProblem(idType)) return idType;
    const date = this.date(row);
    if (isProblem(date)) return date;
    const name = this.metricName(row);
    if (isProblem(name)) return name;
    const parts = {
      metric_value: null as number | null,
      numerator: null as number | null,
      denominator: null as number | null,
    };
    for (const key of PARTS) {
      const n = this.number(key, row);
      if (isProblem(n)) return n;
      parts[key] = n;
    }
    return { date, unit_id: unit, id_type: idType, metric_name: name, ...parts };
  }

  /** The row's columns and the value rules it decides alone (rowValueProblem), or its first problem. */
  checkRow(row: Row): CheckedMetric | RowProblem {
    const checked = this.checkColumns(row);
    if (isProblem(checked)) return checked;
    return rowValueProblem(checked.metric_name, checked, this.ratioOnly) ?? checked;
  }

  /** Every problem of the row, one per column (for `ingest sample`); empty when it is valid. */
  problems(row: Row): RowProblem[] {
    const name = this.metricName(row);
    const numbers = PARTS.map((key) => this.number(key, row));
    const found = [this.unitId(row), this.idType(row), this.date(row), name, ...numbers].filter(isProblem);
    if (!isProblem(name) && !numbers.some(isProblem)) {
      const [metric_value, numerator, denominator] = numbers as (number | null)[];
      const value = this.checkValue(name, { metric_value, numerator, denominator });
      if (value) found.push(value);
    }
    return found;
  }

  private unitId(row: Row): string | RowProblem {
    const raw = this.read.unit_id(row);
    const unit = scalarText(raw);
    if (unit === undefined) return problem('unit_id', 'not_string', `unit_id must be a string, got ${shown(raw)}`);
    if (unit === null || unit === '') return problem('unit_id', 'missing', 'unit_id is null or empty');
    return unit;
  }

  private idType(row: Row): string | RowProblem {
    const idType = scalarText(this.read.id_type(row));
    if (!idType) return problem('id_type', 'missing', 'id_type is null or empty');
    if (this.declared.has(idType)) return idType;
    return problem(
      'id_type',
      'undeclared',
      `id type ${shown(idType)} is not declared (declared: ${[...this.declared].join(', ')}; case-sensitive); add it to customIdTypes in wharf.config.ts or fix the query`,
    );
  }

  private metricName(row: Row): string | RowProblem {
    const name = scalarText(this.read.metric_name(row));
    if (name === undefined || name === null || name === '')
      return problem('metric_name', 'missing', 'metric_name is null or empty');
    // UTF-16 units are at least the characters: only a long name needs counting.
    const length = name.length > MAX_NAME_LENGTH ? characterCount(name) : name.length;
    if (length > MAX_NAME_LENGTH)
      return problem(
        'metric_name',
        'too_long',
        `metric_name is ${length} characters; it must be under 128 (${shown(name)})`,
      );
    return name;
  }

  private number(key: (typeof PARTS)[number], row: Row): number | null | RowProblem {
    const raw = this.read[key](row);
    const n = numeric(raw);
    if (n === undefined) return problem(key, 'not_numeric', `${key} must be a number, got ${shown(raw)}`);
    if (n !== null && !Number.isFinite(n))
      return problem(key, 'not_finite', `${key} must be a finite number, got ${n}`);
    return n;
  }

  /** Metrics whose accepted rows without a denominator must move to the rejects (see DayLoad). */
  metricsToRecheck(): string[] {
    return [...this.valueOnly].filter((m) => this.ratioMetrics.has(m));
  }

  /** The row's ISO date, or its problem (not a date, or not the day being loaded). */
  private date(row: Row): string | RowProblem {
    const raw = this.read.date(row);
    // Connectors give DATE values as text and timestamps as Dates (connectors/types.ts).
    const text = raw instanceof Date ? dayOf(raw, this.ctx.zone) : scalarText(raw);
    if (text === null || text === undefined || text === '') return problem('date', 'missing', 'date is null or empty');
    const iso = text.length === 10 ? text : text.slice(0, 10);
    // Rows of a day load carry that day (the query is filtered on it): skip re-parsing it.
    if (iso === this.ctx.day) return iso;
    if (!isIsoDate(iso)) return problem('date', 'invalid', `date must be an ISO date (YYYY-MM-DD), got ${shown(raw)}`);
    if (this.ctx.day !== null)
      return problem('date', 'outside_day', `date ${iso} is not the day being loaded (${this.ctx.day})`);
    return iso;
  }

  private checkValue(name: string, p: MetricParts): RowProblem | null {
    const found = rowValueProblem(name, p, this.ratioOnly);
    if (found) return found;
    if (p.numerator !== null && p.denominator !== null) this.ratioMetrics.add(name);
    else if (p.denominator === null) this.valueOnly.add(name);
    return null;
  }
}
