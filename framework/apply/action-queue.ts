/**
 * The queue of data actions (`state_data_actions`). Apply writes a plan's data actions here
 * in the same transaction as the config change, then runs them; with `--no-data` they stay
 * queued for the agent or scheduler to take. Every action keeps its status and error.
 */
import type { Plan } from '../plan/types.js';
import { STATE_TABLES } from '../state/ddl.js';
import { timestampParam } from '../state/sql-values.js';
import type { SqlExecutor } from '../store/types.js';

export type QueuedKind = 'backfill' | 'restate' | 'drop';
export type QueuedStatus = 'queued' | 'done' | 'failed';

/** One queued data action; load actions carry one day range each. */
export interface QueuedAction {
  id: string;
  position: number;
  ingestion: string;
  kind: QueuedKind;
  from: string | null;
  to: string | null;
  trigger: string;
  status: QueuedStatus;
  stateSerial: number;
  reason: string;
  error: string | null;
}

/** The plan's data actions as queue entries, in order (a drop before the load that follows it). */
export function queueEntries(plan: Plan, stateSerial: number): QueuedAction[] {
  const out: QueuedAction[] = [];
  const base = { trigger: 'apply', status: 'queued' as const, stateSerial, error: null };
  for (const change of plan.changes) {
    if (change.type !== 'mapping') continue; // a source or schedule change takes no data action
    for (const a of change.dataActions) {
      const id = () => `${stateSerial}-${String(out.length + 1).padStart(4, '0')}`;
      if (a.kind === 'drop')
        out.push({
          ...base,
          id: id(),
          position: out.length + 1,
          ingestion: change.name,
          kind: 'drop',
          from: null,
          to: null,
          reason: a.reason,
        });
      if (a.kind !== 'load') continue;
      for (const r of a.ranges)
        out.push({
          ...base,
          id: id(),
          position: out.length + 1,
          ingestion: change.name,
          kind: a.purpose,
          from: r.from,
          to: r.to,
          reason: a.reason,
        });
    }
  }
  return out;
}

/** Inserts entries (inside the state write's transaction). */
export async function enqueue(tx: SqlExecutor, entries: readonly QueuedAction[], now: Date): Promise<void> {
  for (const e of entries) {
    await tx.query(
      `INSERT INTO ${STATE_TABLES.dataActions} (id, position, ingestion, kind, from_date, to_date, "trigger", status, state_serial, reason, created_at)
       VALUES ($1, $2, $3, $4, CAST($5 AS DATE), CAST($6 AS DATE), $7, $8, $9, $10, CAST($11 AS TIMESTAMP))`,
      [
        e.id,
        e.position,
        e.ingestion,
        e.kind,
        e.from,
        e.to,
        e.trigger,
        e.status,
        e.stateSerial,
        e.reason,
        timestampParam(now),
      ],
    );
  }
}

/** Records how a queued action ended. */
export async function finishQueued(
  db: SqlExecutor,
  id: string,
  { status, error }: { status: QueuedStatus; error: string | null },
  now: Date,
): Promise<void> {
  await db.query(
    `UPDATE ${STATE_TABLES.dataActions} SET status = $1, error = $2, finished_at = CAST($3 AS TIMESTAMP) WHERE id = $4`,
    [status, error, timestampParam(now), id],
  );
}

/**
 * Queued actions, oldest first; by default those not done yet.
 * @internal Only tests read the whole queue.
 */
export async function listQueued(
  db: SqlExecutor,
  statuses: QueuedStatus[] = ['queued', 'failed'],
): Promise<QueuedAction[]> {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT id, position, ingestion, kind, CAST(from_date AS VARCHAR) AS from_date, CAST(to_date AS VARCHAR) AS to_date, "trigger", status, state_serial, reason, error
     FROM ${STATE_TABLES.dataActions} ORDER BY state_serial, position`,
  );
  return rows.map(toQueued).filter((q) => statuses.includes(q.status));
}

function toQueued(r: Record<string, unknown>): QueuedAction {
  return {
    id: String(r.id),
    position: Number(r.position),
    ingestion: String(r.ingestion),
    kind: r.kind as QueuedKind,
    from: (r.from_date as string | null) ?? null,
    to: (r.to_date as string | null) ?? null,
    trigger: String(r.trigger),
    status: r.status as QueuedStatus,
    stateSerial: Number(r.state_serial),
    reason: String(r.reason),
    error: (r.error as string | null) ?? null,
  };
}
