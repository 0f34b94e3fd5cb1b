/**
 * A minimal TDS 7.4 server on 127.0.0.1 for the Synapse plugin's tests, spoken to by the real
 * mssql/tedious driver: PRELOGIN (no encryption), LOGIN7 (SQL authentication: the user name
 * and the obfuscated password are checked; a mismatch answers error 18456), SQL batches
 * (answered with COLMETADATA, ROW and DONE tokens, or an ERROR token with DuckDB's message),
 * and ATTENTION. Not covered: TLS, RPC requests (sp_executesql, parameters), MARS,
 * transactions, NVARCHAR(MAX)/PLP values, DECIMAL, binary types and Azure AD authentication.
 *
 * Statements run in DuckDB (UTC) after the one translation T-SQL needs here: a leading
 * `SELECT TOP (n)` becomes a trailing `LIMIT n`; `DATETIME2` and `DATETIMEOFFSET` are DuckDB type aliases. The
 * session `SET` statements tedious sends after login are acknowledged without running.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { DuckDBBackend, statementFailure, type BackendResult } from '../../../test/support/duckdb-backend.js';
import {
  colMetadata,
  done,
  DONE_STATUS,
  errorToken,
  loginAck,
  PACKET,
  packets,
  preloginResponse,
  row,
  type TdsColumn,
  type TdsType,
} from './tds-encode.js';

export interface FakeSynapse {
  port: number;
  backend: DuckDBBackend;
  batches: string[];
  /** SQL batches fail with error 40501 (service busy, retryable) until `clearFaults`. */
  failTransiently(): void;
  clearFaults(): void;
  close(): Promise<void>;
}

export async function startFakeSynapse(credentials: { user: string; password: string }): Promise<FakeSynapse> {
  const backend = await DuckDBBackend.open();
  await backend.run('CREATE TYPE DATETIME2 AS TIMESTAMP');
  await backend.run('CREATE TYPE DATETIMEOFFSET AS TIMESTAMPTZ');
  const batches: string[] = [];
  let failing = false;
  const sockets = new Set<Socket>();

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffered = Buffer.alloc(0);
    let message: Buffer[] = [];
    let queue = Promise.resolve();
    socket.on('data', (data: Buffer) => {
      buffered = Buffer.concat([buffered, data]);
      while (buffered.length >= 8 && buffered.length >= buffered.readUInt16BE(2)) {
        const length = buffered.readUInt16BE(2);
        const type = buffered.readUInt8(0);
        const last = (buffered.readUInt8(1) & 0x01) === 1;
        message.push(buffered.subarray(8, length));
        buffered = buffered.subarray(length);
        if (last) {
          const payload = Buffer.concat(message);
          message = [];
          queue = queue.then(() => respond(socket, type, payload));
        }
      }
    });
  });

  async function respond(socket: Socket, type: number, payload: Buffer): Promise<void> {
    const send = (tokens: Buffer) => {
      if (!socket.destroyed) for (const p of packets(PACKET.TABULAR, tokens)) socket.write(p);
    };
    if (type === PACKET.PRELOGIN) return send(preloginResponse());
    if (type === PACKET.LOGIN7) {
      const login = parseLogin7(payload);
      if (login.user !== credentials.user || login.password !== credentials.password) {
        return send(
          Buffer.concat([errorToken(18456, 14, `Login failed for user '${login.user}'.`), done(DONE_STATUS.ERROR)]),
        );
      }
      return send(Buffer.concat([loginAck(), done(DONE_STATUS.FINAL)]));
    }
    if (type === PACKET.ATTENTION) return send(done(DONE_STATUS.ATTN));
    if (type === PACKET.SQL_BATCH) return send(await runBatch(sqlOfBatch(payload)));
    return send(
      Buffer.concat([
        errorToken(50000, 16, `The fake does not implement TDS packet type ${type}.`),
        done(DONE_STATUS.ERROR),
      ]),
    );
  }

  async function runBatch(sql: string): Promise<Buffer> {
    if (/^\s*set\s/i.test(sql)) return done(DONE_STATUS.FINAL);
    batches.push(sql);
    if (failing)
      return Buffer.concat([
        errorToken(40501, 20, 'The service is currently busy. Retry the request after 10 seconds.'),
        done(DONE_STATUS.ERROR),
      ]);
    let result: BackendResult;
    try {
      result = await backend.run(fromTsql(sql));
    } catch (err) {
      // SQL Server names the batch's line in the ERROR token, not in the message.
      const failure = statementFailure((err as Error).message);
      return Buffer.concat([errorToken(207, 16, failure.text, failure.line ?? 1), done(DONE_STATUS.ERROR)]);
    }
    const columns: TdsColumn[] = result.columns.map((c) => ({ name: c.name, type: tdsType(c.duckType) }));
    return Buffer.concat([
      colMetadata(columns),
      ...result.rows.map((r) => row(columns, r)),
      done(DONE_STATUS.COUNT, result.rows.length),
    ]);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    backend,
    batches,
    failTransiently() {
      failing = true;
    },
    clearFaults() {
      failing = false;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      backend.close();
    },
  };
}

/** The SQL text of a SQL_BATCH message: ALL_HEADERS (length-prefixed) then UCS-2 text. */
function sqlOfBatch(payload: Buffer): string {
  return payload.subarray(payload.readUInt32LE(0)).toString('ucs2');
}

/** User name and password from a LOGIN7 message (the password is nibble-swapped and XOR 0xA5). */
function parseLogin7(payload: Buffer): { user: string; password: string } {
  const field = (at: number) =>
    payload.subarray(payload.readUInt16LE(at), payload.readUInt16LE(at) + payload.readUInt16LE(at + 2) * 2);
  const user = field(40).toString('ucs2');
  const obfuscated = Buffer.from(field(44));
  for (let i = 0; i < obfuscated.length; i++) {
    const b = obfuscated[i] ^ 0xa5;
    obfuscated[i] = ((b & 0x0f) << 4) | (b >> 4);
  }
  return { user, password: obfuscated.toString('ucs2') };
}

function fromTsql(sql: string): string {
  const top = /^\s*SELECT TOP \((\d+)\) /i.exec(sql);
  return top ? `SELECT ${sql.slice(top[0].length)} LIMIT ${top[1]}` : sql;
}

function tdsType(duckType: string): TdsType {
  const types: Record<string, TdsType> = {
    INTEGER: 'int',
    SMALLINT: 'int',
    TINYINT: 'int',
    BIGINT: 'bigint',
    DOUBLE: 'float',
    FLOAT: 'float',
    BOOLEAN: 'bit',
    DATE: 'date',
    TIMESTAMP: 'datetime2',
    DATETIME2: 'datetime2',
    'TIMESTAMP WITH TIME ZONE': 'datetimeoffset',
  };
  return types[duckType.toUpperCase()] ?? 'nvarchar';
}
