/**
 * Map and validate `metrics` rows against the seed contract: unit_id (string), id_type
 * (declared, case-sensitive), date (ISO), metric_name (not null, under 128 characters), and
 * metric_value or numerator+denominator. A metric is a ratio once any of its rows has both
 * parts; then only rows with a non-null denominator count, the others are rejected.
 */
import type { MetricColumns } from '../config/types.js';
import type { Row } from '../connectors/types.js';
import { isIsoDate } from '../util/time.js';
import { columnReader } from './column-source.js';
import { reject, type MappedMetric } from './mapped-row.js';
import { numeric, scalarText, shown } from './row-values.js';

export const MAX_NAME_LENGTH = 127;

export interface MetricsMapperContext {
  ingestion: string;
  /** The day being loaded; null for a sample, where each row keeps its own date. */
  day: string | null;
  idTypes: readonly string[];
}

/** Reason given for a ratio metric's row without a denominator. */
export const nullDenominatorReason = (metric: string) =>
  `metric '${metric}' is a ratio metric (a row has both numerator and denominator) and this row's denominator is null; only units with a non-null denominator count`;

export class MetricsMapper {
  private readonly read;
  private readonly declared: Set<string>;
  /** Metrics seen with both numerator and denominator. */
  readonly ratioMetrics = new Set<string>();
  /** Metrics with accepted rows lacking a denominator, in case they turn out to be ratios. */
  private readonly valueOnly = new Set<string>();
  private readonly ratioOnly: boolean;

  constructor(columns: MetricColumns, private readonly ctx: MetricsMapperContext) {
    this.read = {
      unit_id: columnReader(columns.unit_id), id_type: columnReader(columns.id_type), date: columnReader(columns.date),
      metric_name: columnReader(columns.metric_name), metric_value: columnReader(columns.metric_value),
      numerator: columnReader(columns.numerator), denominator: columnReader(columns.denominator),
    };
    this.declared = new Set(ctx.idTypes);
    this.ratioOnly = columns.metric_value === undefined;
  }

  map(row: Row): MappedMetric {
    const unit = scalarText(this.read.unit_id(row));
    if (unit === undefined) return reject('unit_id', 'not_string', `unit_id must be a string, got ${shown(this.read.unit_id(row))}`);
    if (unit === null || unit === '') return reject('unit_id', 'missing', 'unit_id is null or empty');
    const idType = scalarText(this.read.id_type(row));
    if (!idType) return reject('id_type', 'missing', 'id_type is null or empty');
    if (!this.declared.has(idType)) {
      return reject('id_type', 'undeclared', `id type ${shown(idType)} is not declared (declared: ${[...this.declared].join(', ')}; case-sensitive); add it to customIdTypes in wharf.config.ts or fix the query`);
    }
    const date = this.checkDate(row);
    if (typeof date !== 'string') return date;
    const name = scalarText(this.read.metric_name(row));
    if (name === undefined || name === null || name === '') return reject('metric_name', 'missing', 'metric_name is null or empty');
    if (name.length > MAX_NAME_LENGTH) return reject('metric_name', 'too_long', `metric_name is ${name.length} characters; it must be under 128 (${shown(name)})`);
    const parts: Record<'metric_value' | 'numerator' | 'denominator', number | null> = { metric_value: null, numerator: null, denominator: null };
    for (const key of ['metric_value', 'numerator', 'denominator'] as const) {
      const raw = this.read[key](row);
      const n = numeric(raw);
      if (n === undefined) return reject(key, 'not_numeric', `${key} must be a number, got ${shown(raw)}`);
      if (n !== null && !Number.isFinite(n)) return reject(key, 'not_finite', `${key} must be a finite number, got ${n}`);
      parts[key] = n;
    }
    const problem = this.checkValue(name, parts);
    if (problem) return problem;
    return { ok: true, record: { ingestion: this.ctx.ingestion, date, unit_id: unit, id_type: idType, metric_name: name, ...parts } };
  }

  /** Metrics whose accepted rows without a denominator must move to the rejects (see DayLoad). */
  metricsToRecheck(): string[] {
    return [...this.valueOnly].filter((m) => this.ratioMetrics.has(m));
  }

  /** The row's ISO date, or its problem (not a date, or not the day being loaded). */
  private checkDate(row: Row): string | MappedMetric {
    const raw = this.read.date(row);
    const text = raw instanceof Date ? raw.toISOString().slice(0, 10) : scalarText(raw);
    if (text === null || text === undefined || text === '') return reject('date', 'missing', 'date is null or empty');
    const iso = text.length === 10 ? text : text.slice(0, 10);
    // Rows of a day load carry that day (the query is filtered on it): skip re-parsing it.
    if (iso === this.ctx.day) return iso;
    if (!isIsoDate(iso)) return reject('date', 'invalid', `date must be an ISO date (YYYY-MM-DD), got ${shown(raw)}`);
    if (this.ctx.day !== null && iso !== this.ctx.day) return reject('date', 'outside_day', `date ${iso} is not the day being loaded (${this.ctx.day})`);
    return iso;
  }

  private checkValue(name: string, p: { metric_value: number | null; numerator: number | null; denominator: number | null }): MappedMetric | null {
    if (p.numerator !== null && p.denominator !== null) {
      this.ratioMetrics.add(name);
      return null;
    }
    const ratio = this.ratioOnly || this.ratioMetrics.has(name) || p.numerator !== null;
    if (ratio && p.denominator === null) return reject('denominator', 'null_in_ratio', nullDenominatorReason(name));
    if (p.metric_value === null) {
      if (p.denominator !== null) return reject('numerator', 'missing', `metric '${name}' has a denominator but no numerator or metric_value`);
      return reject('metric_value', 'missing', `metric '${name}' needs metric_value, or both numerator and denominator`);
    }
    if (p.denominator === null) this.valueOnly.add(name);
    return null;
  }
}
