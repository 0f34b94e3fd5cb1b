/** Conformance: a large day streams in bounded batches with bounded memory. */
import { describe, expect, it } from 'vitest';
import type { Connector, QuerySpec } from '../types.js';
import { asNumber, field, filterFor } from './fixtures.js';
import type { ConformanceHarness } from './harness.js';
import { HeapProbe } from './heap.js';
import { querySpec } from './queries.js';

const SERIES_DAY = '2024-05-01';
const BATCH_SIZE = 10_000;
/** Retained heap allowed per streamed row if rows were kept: well below a materialized row. */
const BYTES_PER_ROW_BOUND = 64;
/** Floor of the bound, so small protocol-fake runs still leave room for client buffers. */
const MIN_BOUND = 48 * 1024 * 1024;

/** What one streamed run saw. */
interface StreamTally {
  rows: number;
  idSum: number;
  largestBatch: number;
  maxGrowth: number;
}

async function tally(connector: Connector, query: QuerySpec): Promise<StreamTally> {
  const probe = new HeapProbe();
  const result: StreamTally = { rows: 0, idSum: 0, largestBatch: 0, maxGrowth: 0 };
  let batches = 0;
  for await (const batch of connector.streamDay(query, filterFor('day', 'date', SERIES_DAY), {
    batchSize: BATCH_SIZE,
  })) {
    result.rows += batch.length;
    result.largestBatch = Math.max(result.largestBatch, batch.length);
    for (const row of batch) result.idSum += asNumber(field(row, 'id'));
    // Each sample is a full collection of this process's heap: one every 25 batches still sees
    // rows kept or read ahead, at a fraction of the collections.
    if (++batches % 25 === 0) probe.sample();
  }
  probe.sample();
  result.maxGrowth = probe.maxGrowth;
  return result;
}

/** Registers the streaming test for `rowCount` rows. */
export function streamingTests(harness: () => ConformanceHarness, rowCount: number): void {
  describe('streaming', () => {
    it(
      `streams ${rowCount.toLocaleString('en-US')} rows in bounded batches with bounded memory`,
      { timeout: 600_000 },
      async () => {
        const table = await harness().createSeries('wharf_series', rowCount, SERIES_DAY);
        const seen = await tally(harness().connector, querySpec(`SELECT id, day, label FROM ${table}`));
        expect(seen.rows).toBe(rowCount);
        expect(seen.idSum).toBe((rowCount * (rowCount - 1)) / 2);
        expect(seen.largestBatch).toBeLessThanOrEqual(BATCH_SIZE);
        const bound = Math.max(MIN_BOUND, rowCount * BYTES_PER_ROW_BOUND);
        expect(seen.maxGrowth, `retained heap grew by ${seen.maxGrowth} bytes`).toBeLessThan(bound);
      },
    );
  });
}
