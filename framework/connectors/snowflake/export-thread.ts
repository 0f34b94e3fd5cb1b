/**
 * Runs a Snowflake bulk export in a worker thread (export-worker.ts) whose V8 heap is capped:
 * snowflake-sdk builds objects per row (a Row, a Date per timestamp) that V8 lets pile up as
 * garbage in a large heap before collecting them; in a small heap it collects them as they
 * die, and parses on the second core. The thread sends COPY text lines in transferred
 * buffers, at most two batches ahead; they are handed to the sink here, paused while the sink
 * pauses. Any failure of the thread becomes the WharfError the connector gives for the same
 * failure in its own session; a failed or abandoned export cancels the statement and ends the
 * thread before copyDays returns. A thread whose export succeeded takes the next export (a
 * backfill's days follow each other), and ends after IDLE_MS without one.
 */
import { Worker } from 'node:worker_threads';
import { WharfError } from '../../diagnostics/errors.js';
import { ExportSlots } from '../shared/export-slots.js';
import { PageFlow } from '../shared/text-rows.js';
import type { DayRowSink } from '../types.js';
import type { ConnectorMessage, ExportJob, ThreadFailure, ThreadMessage } from './export-protocol.js';

const ENTRY = new URL('./export-worker-entry.mjs', import.meta.url);

/** Overrides the thread's heap cap (V8 old generation, MB), e.g. `WHARF_SNOWFLAKE_EXPORT_HEAP_MB=512`. */
export const EXPORT_HEAP_ENV = 'WHARF_SNOWFLAKE_EXPORT_HEAP_MB';
const DEFAULT_HEAP_MB = 512;
const MAX_HEAP_MB = 4096;
/**
 * V8's young generation: objects that die within a chunk die here, without a full collection.
 * 8 MB rather than 16: about 25 MB less of the thread's heap through an export, for no CPU
 * that showed (docs/engine-measurements.md, "Snowflake events at 10,000,000 rows").
 */
const YOUNG_GENERATION_MB = 8;
/** How long a cancelled thread may take to close its session before it is stopped. */
const EXIT_GRACE_MS = 10_000;
/**
 * How long a thread waits for another export before it ends. Starting one loads
 * snowflake-sdk again, about 0.5 CPU-seconds (1 from the TypeScript sources), which a backfill
 * exporting day after day paid once a day; an idle thread keeps its heap, which this returns.
 */
const IDLE_MS = 5_000;
/**
 * One export thread at a time in a process: each holds a heap of about 100 MB and its own
 * copy of snowflake-sdk, and two at once (two days loading side by side, the default
 * concurrency) took an events load past 512 MB, for 5–7% less time than one thread feeding
 * two days' loads (docs/engine-measurements.md, "The matrix at the default concurrency"). An export waiting
 * for the thread holds no statement and no session.
 */
const threadSlots = new ExportSlots(1);

/**
 * The heap cap of the next export thread in this process. A thread that runs out (result
 * chunks larger than the cap allows) fails transiently and doubles it, so the retry fits.
 */
let heapMb: number | null = null;

function currentHeapMb(): number {
  return (heapMb ??= heapFromEnv());
}

function heapFromEnv(): number {
  const text = process.env[EXPORT_HEAP_ENV];
  const mb = text === undefined ? DEFAULT_HEAP_MB : Number(text);
  if (!Number.isInteger(mb) || mb < 16) {
    throw new WharfError(`${EXPORT_HEAP_ENV} must be a whole number of MB of at least 16, not '${text}'.`, {
      code: 'snowflake.export-memory',
      errorClass: 'config',
      hint: `Unset ${EXPORT_HEAP_ENV} for the default (${DEFAULT_HEAP_MB} MB), or set a number such as 512.`,
    });
  }
  return mb;
}

export interface ThreadExport {
  job: ExportJob;
  sink: DayRowSink;
  /** The connector's error for a snowflake-sdk failure (classified as in its own session). */
  sdkError(err: unknown): Error;
}

/** The V8 limits of the next export thread (its heap cap, and the young generation's). */
export function exportThreadLimits(): { maxOldGenerationSizeMb: number; maxYoungGenerationSizeMb: number } {
  return { maxOldGenerationSizeMb: currentHeapMb(), maxYoungGenerationSizeMb: YOUNG_GENERATION_MB };
}

/** The thread waiting for its next export, if any, and what ends it when none comes. */
let idle: { worker: Worker; timer: NodeJS.Timeout } | null = null;
let threadsStarted = 0;

/** @internal Export threads started in this process (each start loads snowflake-sdk); read by tests. */
export function exportThreadsStarted(): number {
  return threadsStarted;
}

/**
 * Runs the export in a thread, once no other export of this process is running (the idle
 * thread, or a new one); resolves once every row reached the sink and the export's session is
 * closed.
 */
export function exportInThread(run: ThreadExport): Promise<void> {
  return threadSlots.run(async () => {
    const worker = takeIdleThread() ?? startThread();
    const outcome = await new ThreadRun(worker, run).done;
    if (outcome === 'idle') keepIdle(worker);
  });
}

function startThread(): Worker {
  threadsStarted++;
  const worker = new Worker(ENTRY, {
    resourceLimits: exportThreadLimits(),
    // Not the console's: the SDK's logger is off, and its load warnings were printed by the connector's own.
    stdout: true,
    stderr: true,
  });
  // Discarded unread: a stream being read keeps the process alive, an idle thread's too.
  worker.stdout.destroy();
  worker.stderr.destroy();
  // An idle thread that ends (its idle time up, or on its own) is not handed out again.
  worker.once('exit', () => {
    if (idle?.worker !== worker) return;
    clearTimeout(idle.timer);
    idle = null;
  });
  return worker;
}

function takeIdleThread(): Worker | null {
  if (!idle) return null;
  const { worker, timer } = idle;
  idle = null;
  clearTimeout(timer);
  worker.ref();
  return worker;
}

/** Keeps a thread for the next export; it does not hold the process open, and ends after IDLE_MS. */
function keepIdle(worker: Worker): void {
  worker.unref();
  // Taking the thread clears this timer; when it fires, the thread is still the idle one.
  const timer = setTimeout(() => {
    idle = null;
    void worker.terminate();
  }, IDLE_MS);
  timer.unref();
  idle = { worker, timer };
}

/** A batch of lines from the thread, and the next of its rows to hand over. */
type Batch = Extract<ThreadMessage, { type: 'rows' }> & { bytes: Buffer; next: number };

/**
 * One export in a thread: `done` resolves `idle` when the thread closed the export's session
 * and waits for another, `exited` when it ended (after a failure, it rejects instead).
 */
class ThreadRun {
  readonly done: Promise<'idle' | 'exited'>;
  private resolve!: (outcome: 'idle' | 'exited') => void;
  private reject!: (err: unknown) => void;
  private readonly flow = new PageFlow();
  private readonly queue: Batch[] = [];
  private ended = false;
  private outcome: { error: unknown } | null = null;
  private exited = false;
  /** The thread closed the export's session after its last batch and waits for another export. */
  private idle = false;
  private readonly heapMb = currentHeapMb();
  private readonly listeners = {
    message: (message: ThreadMessage) => this.received(message),
    error: (err: Error & { code?: string }) => this.fail(this.threadError(err)),
    exit: () => this.exit(),
  };

  constructor(
    private readonly worker: Worker,
    private readonly run: ThreadExport,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    run.sink.attach(this.flow.control);
    worker.on('message', this.listeners.message);
    worker.on('error', this.listeners.error);
    worker.on('exit', this.listeners.exit);
    worker.postMessage({ type: 'job', job: run.job } satisfies ConnectorMessage);
  }

  private received(message: ThreadMessage): void {
    if (message.type === 'idle') {
      this.idle = true;
      return this.settle();
    }
    if (this.outcome) return;
    if (message.type === 'rows') this.queue.push({ ...message, bytes: Buffer.from(message.buf), next: 0 });
    else if (message.type === 'end') this.ended = true;
    else return this.fail(this.failureError(message.failure));
    this.deliver();
  }

  /** Hands the waiting batches' rows to the sink while it is not paused; acknowledges each batch. */
  private deliver(): void {
    while (this.queue.length > 0 && !this.outcome) {
      const batch = this.queue[0];
      try {
        if (!this.deliverRows(batch)) return void this.flow.ready().then(() => this.deliver());
      } catch (err) {
        return this.fail(err);
      }
      this.queue.shift();
      this.post({ type: 'ack' });
    }
    if (this.ended && this.queue.length === 0 && !this.outcome) {
      this.outcome = { error: null };
      this.settle();
    }
  }

  /** The batch's rows from where it stopped; false when the sink paused before the last. */
  private deliverRows(batch: Batch): boolean {
    const { bytes, days, ends } = batch;
    while (batch.next < days.length) {
      if (this.flow.paused) return false;
      const start = batch.next === 0 ? 0 : ends[batch.next - 1];
      this.run.sink.row(days[batch.next], bytes, start, ends[batch.next]);
      batch.next++;
    }
    return true;
  }

  private fail(error: unknown): void {
    if (this.outcome) return;
    this.outcome = { error };
    this.queue.length = 0;
    // The thread closes its session and ends; one that does not, in time, is stopped. One
    // already idle (the sink failed on the last rows) has nothing to cancel.
    if (this.idle) void this.worker.terminate();
    else this.post({ type: 'cancel' });
    const timer = setTimeout(() => void this.worker.terminate(), EXIT_GRACE_MS);
    timer.unref();
    this.worker.once('exit', () => clearTimeout(timer));
    this.settle();
  }

  private exit(): void {
    this.exited = true;
    // After its last batch the thread closes its session and ends, maybe before the sink took them all.
    if (!this.outcome && !this.ended) {
      const message = 'The Snowflake export thread ended before the export did.';
      this.outcome = { error: new WharfError(message, { code: 'internal', errorClass: 'internal' }) };
    }
    this.settle();
  }

  /**
   * Settles once the outcome is known and the thread has ended, or (after a success) has closed
   * the export's session; the thread is then no longer this run's.
   */
  private settle(): void {
    if (!this.outcome || !(this.exited || (this.idle && !this.outcome.error))) return;
    this.worker.off('message', this.listeners.message);
    this.worker.off('error', this.listeners.error);
    this.worker.off('exit', this.listeners.exit);
    if (this.outcome.error) this.reject(this.outcome.error);
    else this.resolve(this.exited ? 'exited' : 'idle');
  }

  private post(message: ConnectorMessage): void {
    if (!this.exited) this.worker.postMessage(message);
  }

  private failureError(failure: ThreadFailure): Error {
    if (failure.kind === 'wharf') {
      const { message, ...options } = failure;
      return new WharfError(message, options);
    }
    const { name, code, sqlState, message, status, causeCode } = failure;
    const err = Object.assign(new Error(message), { code, sqlState, response: { statusCode: status } });
    if (name) err.name = name;
    if (causeCode) Object.assign(err, { cause: { code: causeCode } });
    return this.run.sdkError(err);
  }

  private threadError(err: Error & { code?: string }): Error {
    if (err.code !== 'ERR_WORKER_OUT_OF_MEMORY') return this.run.sdkError(err);
    const next = Math.min(MAX_HEAP_MB, Math.max(currentHeapMb(), this.heapMb * 2));
    heapMb = next;
    const message =
      `The Snowflake export ran out of its ${this.heapMb} MB of memory (the result's chunks are larger than that ` +
      `allows); the next attempt gets ${next} MB.`;
    return new WharfError(message, {
      code: 'snowflake.export-memory',
      errorClass: 'query',
      transient: this.heapMb < MAX_HEAP_MB,
      hint: `Set ${EXPORT_HEAP_ENV} (MB, default ${DEFAULT_HEAP_MB}) higher to start with more.`,
    });
  }
}
