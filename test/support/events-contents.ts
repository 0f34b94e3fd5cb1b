/**
 * Test support for the events parity tests: what a load left in the store (events, rejects,
 * ledger rows of one ingestion), comparable between two stores of the same kind; generated
 * timeuuids are random, so they are compared by their shape.
 */
import type { EngineContext } from '../../framework/engine/types.js';
import { storedRejects } from './messy-metrics-day.js';

const GENERATED_UUID = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';

export async function eventsContents(ctx: EngineContext, ingestion: string) {
  const generated =
    ctx.store.kind === 'postgres'
      ? `timeuuid ~ '^${GENERATED_UUID}$'`
      : `regexp_full_match(timeuuid, '${GENERATED_UUID}')`;
  return {
    events: await ctx.store.query(
      `SELECT CAST(day AS VARCHAR) AS d, CAST("timestamp" AS VARCHAR) AS t, event_name, event_value, event_metadata,
         "user", user_id, custom_ids, CASE WHEN ${generated} THEN 'generated' ELSE timeuuid END AS tu
       FROM events WHERE ingestion = $1 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9`,
      [ingestion],
    ),
    rejects: await storedRejects(ctx, ingestion),
    ledger: (await ctx.store.ledger({ ingestion })).map((e) => [
      e.status,
      e.rowsLoaded,
      e.rowsRejected,
      e.rejectReasons,
      e.duplicates,
      e.sourceRowCount,
    ]),
  };
}
