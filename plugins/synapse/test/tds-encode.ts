/**
 * Encoding of the TDS 7.4 server messages the Synapse fake sends: packet framing, the
 * PRELOGIN response, and the LOGINACK, ERROR, COLMETADATA, ROW and DONE tokens for the column
 * types the fake supports (NVARCHAR(4000), INTN 4/8, FLTN 8, BITN, DATEN, DATETIME2N(3),
 * DATETIMEOFFSETN(3)).
 */
export const PACKET = {
  SQL_BATCH: 0x01,
  RPC: 0x03,
  TABULAR: 0x04,
  ATTENTION: 0x06,
  LOGIN7: 0x10,
  PRELOGIN: 0x12,
} as const;
export const DONE_STATUS = { FINAL: 0x0000, ERROR: 0x0002, COUNT: 0x0010, ATTN: 0x0020 } as const;

/** TDS column types by the fake's names. */
export type TdsType = 'nvarchar' | 'int' | 'bigint' | 'float' | 'bit' | 'date' | 'datetime2' | 'datetimeoffset';

export interface TdsColumn {
  name: string;
  type: TdsType;
}

const COLLATION = Buffer.from([0x09, 0x04, 0xd0, 0x00, 0x34]);
const DAY_MS = 86_400_000;

/** Splits a message into packets of at most `size` bytes, EOM on the last. */
export function packets(type: number, payload: Buffer, size = 4096): Buffer[] {
  const out: Buffer[] = [];
  const room = size - 8;
  for (let offset = 0, id = 1; offset < payload.length || out.length === 0; offset += room, id++) {
    const body = payload.subarray(offset, offset + room);
    const header = Buffer.alloc(8);
    header.writeUInt8(type, 0);
    header.writeUInt8(offset + room >= payload.length ? 0x01 : 0x00, 1);
    header.writeUInt16BE(body.length + 8, 2);
    header.writeUInt16BE(0x0033, 4);
    header.writeUInt8(id % 256, 6);
    out.push(Buffer.concat([header, body]));
  }
  return out;
}

export function preloginResponse(): Buffer {
  const options: [number, Buffer][] = [
    [0x00, Buffer.from([0x10, 0x00, 0x07, 0xd0, 0x00, 0x00])], // version 16.0.2000
    [0x01, Buffer.from([0x02])], // ENCRYPT_NOT_SUP
    [0x02, Buffer.from([0x00])],
    [0x03, Buffer.alloc(4)],
    [0x04, Buffer.from([0x00])],
  ];
  const headerLength = options.length * 5 + 1;
  const header = Buffer.alloc(headerLength);
  let offset = headerLength;
  options.forEach(([token, data], i) => {
    header.writeUInt8(token, i * 5);
    header.writeUInt16BE(offset, i * 5 + 1);
    header.writeUInt16BE(data.length, i * 5 + 3);
    offset += data.length;
  });
  header.writeUInt8(0xff, headerLength - 1);
  return Buffer.concat([header, ...options.map(([, d]) => d)]);
}

function bVarchar(text: string): Buffer {
  return Buffer.concat([Buffer.from([text.length]), Buffer.from(text, 'ucs2')]);
}

function usVarchar(text: string): Buffer {
  const length = Buffer.alloc(2);
  length.writeUInt16LE(text.length);
  return Buffer.concat([length, Buffer.from(text, 'ucs2')]);
}

function withLength(token: number, body: Buffer): Buffer {
  const head = Buffer.alloc(3);
  head.writeUInt8(token, 0);
  head.writeUInt16LE(body.length, 1);
  return Buffer.concat([head, body]);
}

export function loginAck(): Buffer {
  const version = Buffer.alloc(5);
  version.writeUInt8(1, 0);
  version.writeUInt32BE(0x74000004, 1);
  return withLength(0xad, Buffer.concat([version, bVarchar('Microsoft SQL Server'), Buffer.from([16, 0, 0x07, 0xd0])]));
}

/** An ERROR token; `lineNumber` is the line of the batch the error is on (1-based). */
export function errorToken(number: number, severity: number, message: string, lineNumber = 1): Buffer {
  const head = Buffer.alloc(6);
  head.writeInt32LE(number, 0);
  head.writeUInt8(1, 4);
  head.writeUInt8(severity, 5);
  const line = Buffer.alloc(4);
  line.writeInt32LE(lineNumber);
  return withLength(0xaa, Buffer.concat([head, usVarchar(message), bVarchar('fake-synapse'), bVarchar(''), line]));
}

export function done(status: number, rowCount = 0): Buffer {
  const b = Buffer.alloc(13);
  b.writeUInt8(0xfd, 0);
  b.writeUInt16LE(status, 1);
  b.writeUInt16LE(0xc1, 3);
  b.writeBigUInt64LE(BigInt(rowCount), 5);
  return b;
}

const TYPE_INFO: Record<TdsType, Buffer> = {
  nvarchar: Buffer.concat([Buffer.from([0xe7, 0x40, 0x1f]), COLLATION]),
  int: Buffer.from([0x26, 4]),
  bigint: Buffer.from([0x26, 8]),
  float: Buffer.from([0x6d, 8]),
  bit: Buffer.from([0x68, 1]),
  date: Buffer.from([0x28]),
  datetime2: Buffer.from([0x2a, 3]),
  datetimeoffset: Buffer.from([0x2b, 3]),
};

export function colMetadata(columns: TdsColumn[]): Buffer {
  const count = Buffer.alloc(3);
  count.writeUInt8(0x81, 0);
  count.writeUInt16LE(columns.length, 1);
  const parts = columns.map((c) => {
    const userTypeAndFlags = Buffer.from([0, 0, 0, 0, 0x09, 0x00]); // nullable, updateable unknown
    return Buffer.concat([userTypeAndFlags, TYPE_INFO[c.type], bVarchar(c.name)]);
  });
  return Buffer.concat([count, ...parts]);
}

export function row(columns: TdsColumn[], values: unknown[]): Buffer {
  return Buffer.concat([Buffer.from([0xd1]), ...columns.map((c, i) => value(c.type, values[i]))]);
}

function value(type: TdsType, v: unknown): Buffer {
  if (type === 'nvarchar') {
    if (v === null || v === undefined) return Buffer.from([0xff, 0xff]);
    const text = Buffer.from(typeof v === 'object' ? JSON.stringify(v) : String(v), 'ucs2');
    if (text.length > 8000) throw new Error('The fake only sends NVARCHAR(4000) values.');
    const length = Buffer.alloc(2);
    length.writeUInt16LE(text.length);
    return Buffer.concat([length, text]);
  }
  if (v === null || v === undefined) return Buffer.from([0]);
  switch (type) {
    case 'int': {
      const b = Buffer.alloc(5, 4);
      b.writeInt32LE(Number(v), 1);
      return b;
    }
    case 'bigint': {
      const b = Buffer.alloc(9, 8);
      b.writeBigInt64LE(BigInt(v as bigint), 1);
      return b;
    }
    case 'float': {
      const b = Buffer.alloc(9, 8);
      b.writeDoubleLE(Number(v), 1);
      return b;
    }
    case 'bit':
      return Buffer.from([1, v ? 1 : 0]);
    case 'date':
      return Buffer.concat([Buffer.from([3]), days(v as Date)]);
    case 'datetime2':
      return Buffer.concat([Buffer.from([7]), time(v as Date), days(v as Date)]);
    case 'datetimeoffset':
      return Buffer.concat([Buffer.from([9]), time(v as Date), days(v as Date), Buffer.alloc(2)]);
  }
}

/** Days since 0001-01-01, 3 bytes little-endian. */
function days(d: Date): Buffer {
  const start = new Date(0);
  start.setUTCFullYear(1, 0, 1);
  const b = Buffer.alloc(3);
  b.writeUIntLE(Math.floor((d.getTime() - start.getTime()) / DAY_MS), 0, 3);
  return b;
}

/** Milliseconds since midnight UTC (scale 3), 4 bytes little-endian. */
function time(d: Date): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(((d.getTime() % DAY_MS) + DAY_MS) % DAY_MS);
  return b;
}
