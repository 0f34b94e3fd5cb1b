/**
 * The applied state kept in the store. Reads are plain; every write is one transaction that
 * checks the serial and lineage it expects (compare-and-swap), bumps the serial and replaces
 * the changed ingestions, so a crash or a concurrent writer never leaves it half-written.
 */
import { randomUUID } from 'node:crypto';
import { WharfError } from '../diagnostics/errors.js';
import type { SqlExecutor, StoreConnection } from '../store/types.js';
import { canonicalJson } from '../util/canonical-json.js';
import { timestampParam } from './sql-values.js';
import { runDdl } from '../store/ddl-lock.js';
import { STATE_DDL, STATE_TABLES, STATE_TABLES_VERSION } from './ddl.js';
import { emptyState, STATE_FORMAT_VERSION, type AppliedIngestion, type AppliedState } from './types.js';

/** Creates the state tables when missing; safe to call on every open. */
export async function ensureStateTables(connection: StoreConnection): Promise<void> {
  await runDdl(connection, STATE_DDL);
}

interface HeadRow {
  format_version: number;
  serial: number;
  lineage: string;
}

/** True when the state tables exist; reads never create them (planning needs no write access). */
async function hasStateTables(connection: SqlExecutor): Promise<boolean> {
  const rows = await connection.query<{ n: number }>(
    `SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_name = $1 AND table_schema = current_schema()`,
    [STATE_TABLES.ingestions],
  );
  return Number(rows[0]?.n ?? 0) > 0;
}

/** Reads the applied state; an empty state (serial 0) when nothing was applied yet. */
export async function readState(connection: SqlExecutor): Promise<AppliedState> {
  if (!(await hasStateTables(connection))) return emptyState();
  const head = await readHead(connection);
  if (!head) return emptyState();
  const rows = await connection.query<{ name: string; config: string; hash: string; applied_serial: number }>(
    `SELECT name, config, hash, applied_serial FROM ${STATE_TABLES.ingestions} ORDER BY name`,
  );
  const ingestions: Record<string, AppliedIngestion> = {};
  for (const r of rows)
    ingestions[r.name] = {
      name: r.name,
      config: JSON.parse(r.config),
      hash: r.hash,
      appliedSerial: Number(r.applied_serial),
    };
  return { formatVersion: STATE_FORMAT_VERSION, serial: Number(head.serial), lineage: head.lineage, ingestions };
}

async function readHead(connection: SqlExecutor): Promise<HeadRow | null> {
  const [head] = await connection.query<HeadRow>(
    `SELECT format_version, serial, lineage FROM ${STATE_TABLES.head} WHERE id = 1`,
  );
  if (head && Number(head.format_version) > STATE_TABLES_VERSION) {
    throw new WharfError(
      `The store's state has format version ${head.format_version}, newer than this Wharf understands (${STATE_TABLES_VERSION}).`,
      {
        code: 'state.newer-format',
        errorClass: 'state',
        hint: 'Upgrade @wharf/framework to the version that last applied to this store.',
      },
    );
  }
  return head ?? null;
}

/** One write to the state: what it expects to find, and what it changes. */
export interface StateWrite {
  expectSerial: number;
  /** Null when the state is expected to be empty (first apply). */
  expectLineage: string | null;
  upserts: Omit<AppliedIngestion, 'appliedSerial'>[];
  deletes: string[];
  /** More statements to commit in the same transaction (e.g. queued data actions). */
  alsoInTransaction?: (tx: SqlExecutor, newSerial: number) => Promise<void>;
  now?: Date;
}

/** Thrown when the state changed since it was read: the caller must plan again. */
export class StaleStateError extends WharfError {
  constructor(expected: { serial: number; lineage: string | null }, found: { serial: number; lineage: string | null }) {
    super(
      `The state changed since the plan was made: expected serial ${expected.serial}${expected.lineage ? ` of lineage ${expected.lineage}` : ''}, found serial ${found.serial}${found.lineage ? ` of lineage ${found.lineage}` : ''}.`,
      {
        code: 'state.stale',
        errorClass: 'state',
        hint: 'Run `ingest plan` again and apply the new plan.',
      },
    );
  }
}

/** Writes in one transaction with compare-and-swap on serial and lineage; returns the new serial and lineage. */
export async function writeState(
  connection: StoreConnection,
  write: StateWrite,
): Promise<{ serial: number; lineage: string }> {
  await ensureStateTables(connection);
  return connection.transaction(async (tx) => {
    const head = await readHead(tx);
    const found = { serial: head ? Number(head.serial) : 0, lineage: head?.lineage ?? null };
    if (found.serial !== write.expectSerial || found.lineage !== write.expectLineage)
      throw new StaleStateError({ serial: write.expectSerial, lineage: write.expectLineage }, found);
    const next = await bumpHead(tx, head, write.now ?? new Date());
    if (!next) throw new StaleStateError({ serial: write.expectSerial, lineage: write.expectLineage }, found);
    for (const name of write.deletes) await tx.query(`DELETE FROM ${STATE_TABLES.ingestions} WHERE name = $1`, [name]);
    for (const ing of write.upserts) {
      await tx.query(`DELETE FROM ${STATE_TABLES.ingestions} WHERE name = $1`, [ing.name]);
      await tx.query(
        `INSERT INTO ${STATE_TABLES.ingestions} (name, config, hash, applied_serial) VALUES ($1, $2, $3, $4)`,
        [ing.name, canonicalJson(ing.config), ing.hash, next.serial],
      );
    }
    await write.alsoInTransaction?.(tx, next.serial);
    return next;
  });
}

/** Bumps the serial only if it is still the one read (a concurrent writer makes this return null). */
async function bumpHead(
  tx: SqlExecutor,
  head: HeadRow | null,
  now: Date,
): Promise<{ serial: number; lineage: string } | null> {
  if (!head) {
    const lineage = randomUUID();
    await tx.query(
      `INSERT INTO ${STATE_TABLES.head} (id, format_version, serial, lineage, updated_at) VALUES (1, $1, 1, $2, CAST($3 AS TIMESTAMP))`,
      [STATE_TABLES_VERSION, lineage, timestampParam(now)],
    );
    return { serial: 1, lineage };
  }
  const rows = await tx.query<{ serial: number }>(
    `UPDATE ${STATE_TABLES.head} SET serial = serial + 1, updated_at = CAST($1 AS TIMESTAMP) WHERE id = 1 AND serial = $2 AND lineage = $3 RETURNING serial`,
    [timestampParam(now), Number(head.serial), head.lineage],
  );
  return rows.length === 1 ? { serial: Number(rows[0].serial), lineage: head.lineage } : null;
}
