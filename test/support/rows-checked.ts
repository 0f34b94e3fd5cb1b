/**
 * Test support: the rows the columnar events path hands to the row path's checks one by one
 * (EventsMapper.check) while a load runs, with what the load returned.
 */
import { vi } from 'vitest';
import type { Row } from '../../framework/connectors/types.js';
import { EventsMapper } from '../../framework/engine/map-events.js';

export async function rowsCheckedOneByOne<T>(load: () => Promise<T>): Promise<{ result: T; rows: Row[] }> {
  const rowByRow = vi.spyOn(EventsMapper.prototype, 'check');
  try {
    const result = await load();
    return { result, rows: rowByRow.mock.calls.map(([row]) => row) };
  } finally {
    rowByRow.mockRestore();
  }
}
