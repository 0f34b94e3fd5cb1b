/**
 * Runs in the Snowflake export's thread (export-thread.ts starts it with a bounded heap): for
 * each export it is given, logs in with a session of its own, runs the export's statement with
 * its rows streamed as arrays, writes them as COPY text lines (shared/text-rows.ts) and sends
 * each batch of lines to the connector, at most MAX_IN_FLIGHT batches ahead of the store, then
 * closes the session. snowflake-sdk's objects per row (a Row, a Date per timestamp) live and
 * die in this thread's small heap. After an export that succeeded the thread waits for the
 * next (loading snowflake-sdk once, not per export); a failed or cancelled one ends it.
 */
import { parentPort } from 'node:worker_threads';
import type { Connection, RowStatement } from 'snowflake-sdk';
import { internalError, WharfError } from '../../diagnostics/errors.js';
import { TextRowWriter, type LineSink } from '../shared/text-rows.js';
import type { ConnectorMessage, ExportJob, ThreadFailure, ThreadMessage } from './export-protocol.js';
import type { SdkError } from './errors.js';
import { FIELD_TEXT } from './field-text.js';
import { millisForTimestamps } from './raw-timestamps.js';

type SnowflakeSdk = typeof import('snowflake-sdk');

if (!parentPort) throw internalError('export-worker.ts runs only as a worker thread (see export-thread.ts).');
const port = parentPort;
const post = (message: ThreadMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

/** Batches sent and not yet handed to the store: two keep the store busy while the next is written. */
const MAX_IN_FLIGHT = 2;

/** Collects the lines of one flush of the writer and sends them as one batch. */
class BatchSender implements LineSink {
  private buf: Buffer | null = null;
  private days: number[] = [];
  private ends: number[] = [];
  private inFlight = 0;
  private waiting: (() => void) | null = null;
  cancelled = false;
  /** Stops what the export is waiting for (the stream's next chunk). */
  onCancel: (() => void) | null = null;

  row(day: number, buf: Buffer, _start: number, end: number): void {
    if (buf !== this.buf) this.send();
    this.buf = buf;
    this.days.push(day);
    this.ends.push(end);
  }

  /** Sends the lines collected since the last batch, if any. */
  send(): void {
    if (!this.buf || this.days.length === 0) return;
    const buf = this.buf;
    // A large Buffer.from(text) owns its memory: transfer it; else copy the slice.
    const bytes =
      buf.byteOffset === 0 && buf.buffer.byteLength === buf.length
        ? (buf.buffer as ArrayBuffer)
        : (buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length) as ArrayBuffer);
    const days = Uint32Array.from(this.days);
    const ends = Uint32Array.from(this.ends);
    post({ type: 'rows', buf: bytes, days, ends }, [bytes, days.buffer as ArrayBuffer, ends.buffer as ArrayBuffer]);
    this.inFlight++;
    this.buf = null;
    this.days = [];
    this.ends = [];
  }

  get full(): boolean {
    return this.inFlight >= MAX_IN_FLIGHT;
  }

  /** Resolves once a batch slot is free or the export is cancelled. */
  ready(): Promise<void> {
    if (!this.full || this.cancelled) return Promise.resolve();
    return new Promise((resolve) => (this.waiting = resolve));
  }

  acknowledged(): void {
    this.inFlight--;
    this.wake();
  }

  cancel(): void {
    this.cancelled = true;
    this.onCancel?.();
    this.wake();
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.();
  }
}

function connect(sdk: SnowflakeSdk, job: ExportJob): Promise<Connection> {
  const created = sdk.createConnection(job.connection as unknown as Parameters<SnowflakeSdk['createConnection']>[0]);
  return new Promise((resolve, reject) => created.connect((err) => (err ? reject(err) : resolve(created))));
}

function execute(connection: Connection, job: ExportJob, sqlText: string, stream: boolean): Promise<RowStatement> {
  return new Promise((resolve, reject) =>
    connection.execute({
      sqlText,
      ...(stream ? { streamResult: true, rowMode: 'array' as const } : {}),
      fetchAsString: job.fetchAsString as ('Number' | 'JSON')[],
      parameters: job.parameters,
      complete: (err, statement) => (err ? reject(err) : resolve(statement)),
    }),
  );
}

/** Streams the statement's rows into batches; stops early when cancelled. */
async function exportRows(job: ExportJob, statement: RowStatement, sender: BatchSender): Promise<void> {
  const writer = new TextRowWriter(
    job.kinds.map((kind) => FIELD_TEXT[kind]),
    sender,
    { filters: job.filters, tokens: job.tokens, mapping: job.mapping },
  );
  millisForTimestamps(statement.getColumns() ?? []);
  const stream = statement.streamRows();
  sender.onCancel = () => stream.destroy();
  let finished = false;
  try {
    for await (const values of stream) {
      if (sender.cancelled) break;
      writer.row(values as unknown[]);
      sender.send();
      if (sender.full) await sender.ready();
    }
    finished = !sender.cancelled;
    if (!finished) return;
    writer.flush();
    sender.send();
    post({ type: 'end' });
  } finally {
    stream.destroy();
    // An export that stops early should not leave the warehouse working for nobody.
    if (!finished) statement.cancel(() => undefined);
  }
}

function failureOf(err: unknown): ThreadFailure {
  if (err instanceof WharfError) {
    const { message, code, errorClass, transient, hint } = err;
    return { kind: 'wharf', message, code, errorClass, transient, hint };
  }
  const e = (err ?? {}) as SdkError;
  const code = typeof e.code === 'string' || typeof e.code === 'number' ? e.code : undefined;
  return {
    kind: 'sdk',
    name: e.name,
    code,
    sqlState: e.sqlState,
    message: e.message ?? String(err),
    status: e.response?.statusCode ?? e.response?.status,
    causeCode: e.cause?.code,
  };
}

let sdkLoaded: Promise<SnowflakeSdk> | null = null;

function loadSdk(): Promise<SnowflakeSdk> {
  return (sdkLoaded ??= import('snowflake-sdk').then((module) => {
    const sdk = ((module as { default?: SnowflakeSdk }).default ?? module) as SnowflakeSdk;
    sdk.configure({ logLevel: 'OFF' });
    return sdk;
  }));
}

/** Runs one export; whether it succeeded (the thread may then take another). */
async function runJob(job: ExportJob, sender: BatchSender): Promise<boolean> {
  let connection: Connection | null = null;
  let ok = false;
  try {
    connection = await connect(await loadSdk(), job);
    for (const sqlText of job.setup) await execute(connection, job, sqlText, false);
    if (!sender.cancelled) await exportRows(job, await execute(connection, job, job.sqlText, true), sender);
    ok = !sender.cancelled;
  } catch (err) {
    if (!sender.cancelled) post({ type: 'failed', failure: failureOf(err) });
  } finally {
    const open = connection;
    if (open?.isUp()) await new Promise<void>((resolve) => open.destroy(() => resolve()));
  }
  return ok;
}

let sender: BatchSender | null = null;
port.on('message', (message: ConnectorMessage) => {
  if (message.type === 'job') {
    const current = (sender = new BatchSender());
    void runJob(message.job, current).then((ok) => {
      // Its session is closed: the connector may hand this thread the next export.
      if (ok) post({ type: 'idle' });
      else port.close();
    });
  } else if (message.type === 'ack') sender?.acknowledged();
  else sender?.cancel();
});
