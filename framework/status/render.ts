/**
 * Renders the whole `status/` folder from ledger entries: pure, so the same ledger always
 * gives byte-identical files (nothing time-dependent is written) and unchanged days make no
 * commit.
 */
import type { LedgerEntry } from '../store/types.js';
import { readmeMarkdown, ingestionMarkdown } from './markdown.js';
import { ingestionStatus } from './status-day.js';
import type { IngestionStatusFile, StatusInput } from './types.js';
import { compareText } from '../util/text-order.js';

/** File names the report itself uses; an ingestion with one of these names gets a prefix. */
const RESERVED = new Set(['state', 'readme']);

/** The base file name (no extension) of an ingestion's status files. */
export function statusFileBase(ingestion: string): string {
  return RESERVED.has(ingestion) ? `ingestion_${ingestion}` : ingestion;
}

/** Where an ingestion's calendar strip goes, relative to the status folder. */
export function calendarChartPath(ingestion: string): string {
  return `charts/${statusFileBase(ingestion)}.svg`;
}

/** Every file of the report, by path relative to the status folder. */
export function renderStatus(input: StatusInput): Map<string, string> {
  const byIngestion = new Map<string, LedgerEntry[]>();
  for (const e of input.ledger) byIngestion.set(e.ingestion, [...(byIngestion.get(e.ingestion) ?? []), e]);
  const files = new Map<string, string>();
  const statuses: IngestionStatusFile[] = [];
  for (const info of [...input.ingestions].sort((a, b) => compareText(a.name, b.name))) {
    const status = ingestionStatus(info, byIngestion.get(info.name) ?? []);
    statuses.push(status);
    files.set(`${statusFileBase(info.name)}.json`, JSON.stringify(status, null, 2) + '\n');
    const chart = calendarChartPath(info.name);
    files.set(
      `${statusFileBase(info.name)}.md`,
      ingestionMarkdown(status, input.charts?.has(chart) ? chart : undefined),
    );
  }
  files.set('README.md', readmeMarkdown(statuses, input.config, statusFileBase));
  for (const [path, text] of [...(input.charts ?? []), ...(input.extraFiles ?? [])]) files.set(path, text);
  if (input.stateJson !== undefined)
    files.set('state.json', input.stateJson.endsWith('\n') ? input.stateJson : input.stateJson + '\n');
  return files;
}
