/**
 * What is running on a DuckDB store's instance, so that closing it waits instead of freeing
 * DuckDB under a statement: a statement still queued on Node's thread pool when the instance
 * closes crashes the process (a use after free inside DuckDB) or blocks its exit for good.
 * An agent's shutdown closes the store while a scheduler run may still do its bookkeeping.
 */
import { WharfError } from '../../diagnostics/errors.js';

export class WorkUnderWay {
  private closing = false;
  private readonly running = new Set<Promise<unknown>>();

  /** Runs `fn` unless closing has begun (then a `store.closed` error, nothing runs). */
  run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closing) return Promise.reject(storeClosed());
    const work = fn();
    this.track(work);
    return work;
  }

  /** Marks the start of work that ends later (a day load); call the returned function when it ends. */
  hold(): () => void {
    if (this.closing) throw storeClosed();
    let end!: () => void;
    this.track(new Promise<void>((resolve) => (end = resolve)));
    return end;
  }

  /** Refuses new work and waits for the work under way, however it ends. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([...this.running]);
  }

  private track(work: Promise<unknown>): void {
    this.running.add(work);
    const done = () => void this.running.delete(work);
    work.then(done, done);
  }
}

function storeClosed(): WharfError {
  return new WharfError('The store is closing; no new statement can start on it.', {
    code: 'store.closed',
    errorClass: 'state',
    hint: 'This happens only during a shutdown; the work that was refused runs again on the next start.',
  });
}
