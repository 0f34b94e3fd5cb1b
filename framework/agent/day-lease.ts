/**
 * Leases on days, in the store, so two agents never load the same day at once. A lease has a
 * holder and an expiry: the holder renews it while the load runs, releases it when done, and
 * a crashed holder's lease simply expires. With the PostgreSQL store several agents share one
 * table and so share the work; with DuckDB (one process per file) it still guards a second
 * agent started by mistake. Expiry uses the agents' clocks, so keep them in sync (NTP).
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { timestampParam } from '../state/sql-values.js';
import type { StoreConnection } from '../store/types.js';
import { WharfError } from '../diagnostics/errors.js';

export const LEASE_TABLE = 'agent_leases';

/** How long a lease lasts without renewal. */
export const DEFAULT_LEASE_TTL_MS = 5 * 60_000;

const DDL = `CREATE TABLE IF NOT EXISTS ${LEASE_TABLE} (
  resource VARCHAR PRIMARY KEY,
  holder VARCHAR NOT NULL,
  expires_at TIMESTAMP NOT NULL
)`;

/** A unique holder name for this process, readable in the table (`host:pid:random`). */
export function defaultHolder(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** Whether a `host:pid:…` holder ran on this host in a process that has exited. */
export function deadLocalHolder(holder: string): boolean {
  const [host, pid] = holder.split(':');
  if (host !== hostname() || !/^\d+$/.test(pid ?? '')) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export class DayLeases {
  private ready: Promise<void> | null = null;
  /** Resources this instance holds: a lease is not re-entrant, even for its own holder. */
  private readonly held = new Set<string>();

  constructor(
    private readonly db: StoreConnection,
    readonly holder: string = defaultHolder(),
    private readonly ttlMs = DEFAULT_LEASE_TTL_MS,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Takes the lease of a resource (e.g. `app_events/2024-01-01`) unless another live holder has it. */
  async tryAcquire(resource: string): Promise<boolean> {
    if (this.held.has(resource)) return false;
    this.held.add(resource);
    try {
      const acquired = await this.acquireInStore(resource);
      if (!acquired) this.held.delete(resource);
      return acquired;
    } catch (err) {
      this.held.delete(resource);
      throw err;
    }
  }

  private async acquireInStore(resource: string): Promise<boolean> {
    await this.migrate();
    const now = timestampParam(this.now());
    const expires = timestampParam(new Date(this.now().getTime() + this.ttlMs));
    return this.db.transaction(async (tx) => {
      await tx.query(`DELETE FROM ${LEASE_TABLE} WHERE resource = $1 AND expires_at <= CAST($2 AS TIMESTAMP)`, [
        resource,
        now,
      ]);
      await tx.query(
        `INSERT INTO ${LEASE_TABLE} (resource, holder, expires_at) VALUES ($1, $2, CAST($3 AS TIMESTAMP)) ON CONFLICT (resource) DO NOTHING`,
        [resource, this.holder, expires],
      );
      const rows = await tx.query<{ holder: string }>(`SELECT holder FROM ${LEASE_TABLE} WHERE resource = $1`, [
        resource,
      ]);
      if (rows[0]?.holder !== this.holder) return false;
      await tx.query(
        `UPDATE ${LEASE_TABLE} SET expires_at = CAST($3 AS TIMESTAMP) WHERE resource = $1 AND holder = $2`,
        [resource, this.holder, expires],
      );
      return true;
    });
  }

  /** Extends a lease this holder has; false when it was lost (expired and taken by another). */
  async renew(resource: string): Promise<boolean> {
    const expires = timestampParam(new Date(this.now().getTime() + this.ttlMs));
    await this.db.query(
      `UPDATE ${LEASE_TABLE} SET expires_at = CAST($3 AS TIMESTAMP) WHERE resource = $1 AND holder = $2`,
      [resource, this.holder, expires],
    );
    return (await this.holderOf(resource)) === this.holder;
  }

  async release(resource: string): Promise<void> {
    this.held.delete(resource);
    await this.db.query(`DELETE FROM ${LEASE_TABLE} WHERE resource = $1 AND holder = $2`, [resource, this.holder]);
  }

  /**
   * Frees leases whose holder is known to be gone, so a restart after a crash does not wait
   * for them to expire: with DuckDB every lease (only one process can open the file), else
   * the leases of holders on this host whose process no longer runs.
   */
  async releaseAbandoned(): Promise<number> {
    await this.migrate();
    const rows = await this.db.query<{ resource: string; holder: string }>(
      `SELECT resource, holder FROM ${LEASE_TABLE}`,
    );
    const gone = rows.filter(
      (r) => r.holder !== this.holder && (this.db.kind === 'duckdb' || deadLocalHolder(r.holder)),
    );
    for (const r of gone)
      await this.db.query(`DELETE FROM ${LEASE_TABLE} WHERE resource = $1 AND holder = $2`, [r.resource, r.holder]);
    return gone.length;
  }

  /** The live holder of a resource, or null. */
  async holderOf(resource: string): Promise<string | null> {
    await this.migrate();
    const rows = await this.db.query<{ holder: string }>(
      `SELECT holder FROM ${LEASE_TABLE} WHERE resource = $1 AND expires_at > CAST($2 AS TIMESTAMP)`,
      [resource, timestampParam(this.now())],
    );
    return rows[0]?.holder ?? null;
  }

  /**
   * Runs `fn` while holding the lease, renewing it every third of its lifetime; waits (polling
   * every `pollMs`) while another holder has it. Returns `fn`'s result.
   */
  async withLease<T>(resource: string, fn: () => Promise<T>, pollMs = 1000, signal?: AbortSignal): Promise<T> {
    while (!(await this.tryAcquire(resource))) {
      if (signal?.aborted) {
        throw new WharfError(`Stopped while waiting for the lease on ${resource}.`, {
          code: 'lease.stopped',
          errorClass: 'state',
          transient: true,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    const renewal = setInterval(() => void this.renew(resource).catch(() => undefined), Math.max(1000, this.ttlMs / 3));
    try {
      return await fn();
    } finally {
      clearInterval(renewal);
      await this.release(resource);
    }
  }

  private migrate(): Promise<void> {
    // Two agents starting together may both create the table; the loser's retry sees it.
    this.ready ??= this.db.exec(DDL).catch(() => this.db.exec(DDL));
    return this.ready;
  }
}
