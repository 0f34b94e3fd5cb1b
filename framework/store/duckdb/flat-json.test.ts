import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUser } from '../../engine/event-user.js';
import { openDuckDB, type DuckDBHandle } from '../../util/duckdb.js';
import type { EventsCsvSpec } from '../types.js';
import { eventRowOk, eventsSource, fileTexts, readEventsCsv } from './event-csv-sql.js';
import { flatMetadata, flatUser } from './flat-json-sql.js';
import { literal } from './metric-csv-sql.js';

/**
 * The cheap test in front of the events JSON checks (flat-json-sql.ts) against the checks
 * themselves: over thousands of user and metadata texts — common shapes, and each of them
 * mutated character by character and key by key with what the checks look for (quotes,
 * backslashes, `:`, `,`, brackets, digits, `N`/`I`, `.`/`e`, spaces, control and non-ASCII
 * characters; numeric, empty, `__proto__`, repeated and `customIDs` keys) — a file's distinct
 * texts (fileTexts, which runs the cheap test first) must name exactly the texts the row-by-row
 * checks (eventRowOk, which does not) refuse. The texts the cheap test accepts must also be stored
 * by the row path unchanged, with the same user_id and custom_ids.
 */

const USERS = [
  '{"userID":"u1"}',
  '{"userID":"user_1","customIDs":{"stableID":"ab12","companyID":"c7"}}',
  '{"customIDs":{"stableID":"s1"},"userID":"u1"}',
  '{"customIDs":{"a":"1","b":"2","c":"3"}}',
  '{"userID":"http://127.0.0.1/a?b=c, d [e] {f}","customIDs":{"k":"a:b"}}',
  '{"userID":"\u00e9\u{1F600}\u2028\u007f","customIDs":{"K\u00fc":"v"}}',
];
const METADATA = [
  '{"page":"/products/1","referrer":"search","plan":"pro"}',
  '{}',
  '{"a":"","b":"x"}',
  '{"t":"at 12h, ok: [x] {y}","u":"\u00e9"}',
];
/** What the checks look for, put into the texts. */
const CHARS = [
  '"',
  '\\',
  ':',
  ',',
  '[',
  ']',
  '{',
  '}',
  '-',
  '0',
  '1',
  '.',
  'e',
  'E',
  'N',
  'I',
  ' ',
  '_',
  'a',
  '\u00e9',
];
const MORE_CHARS = ['\u0001', '\u001f', '\u007f', '\u2028', '\u{1F600}'];
const KEYS = ['__proto__', '1', '007', '', 'customIDs', 'userID', 'stableID', 'a', '_x', 'k:1', 'k,N', '\u00dc'];
const ADVERSARIAL = [
  '{"userID":"u","customIDs":{"a":"1","a":"2"}}',
  '{"userID":"u","customIDs":{"a":"1","b":"2","a":"3"}}',
  '{"userID":"u","userID":"v"}',
  '{"userID":"u","customIDs":{"customIDs":"x"}}',
  '{"userID":"u","customIDs":{"userID":"x"}}',
  '{"userID":"","customIDs":{"a":"1"}}',
  '{"userID":"u","customIDs":{"a":""}}',
  '{"userID":"u","customIDs":{}}',
  '{"userID":5}',
  '{"userID":"u","customIDs":{"a":1}}',
  '{"userID":"u","customIDs":{"a":{"b":"c"}}}',
  '{"userID":"u","n":{"a":"b"}}',
  '{"userID":"u","extra":"x"}',
  '{"userID":"u","customIDs":{"1":"a"}}',
  '{"userID":"u","customIDs":{"__proto__":"a"}}',
  '{"userID": "u", "customIDs": {"a": "b"}}',
  '{ "userID":"u"}',
  '{"userID":"u"} ',
  '{"userID":"{\\"userID\\":\\"x\\"}"}',
  '{"userID":"a\\"b"}',
  '{"userID":"a,1.5"}',
  '{"userID":"a:12345678901234567"}',
  '{"userID":"a,NaN","customIDs":{"k":"[Infinity"}}',
  '{"userID":"a,{b}"}',
  '{"userID":"x\u0001"}',
  '{"userID":"u",}',
  '{"userID":"u"',
  '{"userID":"u"}}',
  '["userID","u"]',
  '{"a":"1","a":"2"}',
  '{"a":"1","b":"2","c":"3","d":"4","e":"5","a":"6"}',
  '{"2":"x","1":"y"}',
  '{"__proto__":"x"}',
  '{"a":1}',
  '{"a":"b","c":{"d":"e"}}',
  '{"a":null}',
];

/** Each text, with each of CHARS inserted before and put in place of each character, and each key renamed. */
function mutations(text: string): string[] {
  const out = [text];
  const chars = [...text];
  for (let i = 0; i <= chars.length; i++) {
    for (const c of [...CHARS, ...MORE_CHARS]) {
      out.push([...chars.slice(0, i), c, ...chars.slice(i)].join(''));
      if (i < chars.length) out.push([...chars.slice(0, i), c, ...chars.slice(i + 1)].join(''));
    }
    if (i < chars.length) out.push([...chars.slice(0, i), ...chars.slice(i + 1)].join(''));
  }
  for (const match of text.matchAll(/"([^"]*)":/g))
    for (const key of KEYS) {
      const at = match.index + 1;
      out.push(`${text.slice(0, at)}${key}${text.slice(at + match[1].length)}`);
    }
  // The same text with spaces between tokens, as a JSON column may write it.
  out.push(text.replace(/":/g, '": ').replace(/","/g, '", "'));
  return out;
}

/** Texts a COPY text file can carry as one field (no tab or line break, not the NULL marker). */
const corpus = (seeds: string[]) =>
  [...new Set([...seeds.flatMap(mutations), ...ADVERSARIAL])].filter((t) => !/[\t\n\r]/.test(t) && t !== '\\N');

const DAY = '2026-10-01';
const spec = (json: boolean): EventsCsvSpec => ({
  columnCount: 6,
  fingerprint: false,
  timestamp: { column: 0, text: 'timestamp' },
  eventName: { column: 1 },
  eventValue: { column: 2 },
  metadata: { column: 3, json },
  user: { column: 4, json },
  timeuuid: { column: 5 },
  from: new Date(`${DAY}T08:00:00Z`),
  to: new Date(`${DAY}T08:00:00Z`.replace('01T', '02T')),
  checkRow: () => {
    throw new Error('not called');
  },
  rowJson: () => '{}',
});

let db: DuckDBHandle;
const dir = mkdtempSync(join(tmpdir(), 'wharf-flat-json-'));
const rows = async (sql: string) => (await db.connection.runAndReadAll(sql)).getRowsJS();

/** A COPY text file of one event per text: the text as the user (`column` 4) or the metadata (3). */
function file(name: string, texts: string[], column: 3 | 4): string {
  const path = join(dir, name);
  const user = '{"userID":"u"}';
  const lines = texts.map(
    (t, i) => `${DAY} 09:00:00\tn\t\\N\t${column === 3 ? t : '\\N'}\t${column === 4 ? t : user}\tt${i}`,
  );
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** The texts of one set and not the other, each way (so that a failure shows only them). */
function differences(a: string[], b: string[]): [string[], string[]] {
  const [inA, inB] = [new Set(a), new Set(b)];
  return [a.filter((t) => !inB.has(t)), b.filter((t) => !inA.has(t))];
}

/** The texts of column `c` that the row-by-row checks refuse, and those fileTexts names as failing. */
async function refused(
  path: string,
  column: 3 | 4,
  json: boolean,
): Promise<{ rowByRow: string[]; distinct: string[] }> {
  const s = spec(json);
  const csv = readEventsCsv(path, s);
  const c = `c${column}`;
  const rowByRow = await rows(
    `SELECT DISTINCT ${c} FROM ${eventsSource(csv, s)} WHERE NOT coalesce(${eventRowOk(s)}, false)`,
  );
  const kind = column === 4 ? 0 : 1;
  const distinct = await rows(`SELECT text FROM (${fileTexts(csv, s, 1_000_000)}) WHERE kind = ${kind}`);
  return { rowByRow: rowByRow.map((r) => r[0] as string).sort(), distinct: distinct.map((r) => r[0] as string).sort() };
}

beforeAll(async () => {
  db = await openDuckDB(':memory:');
  await db.connection.run(`SET TimeZone = 'UTC'`);
});
afterAll(() => db.close());

describe('the cheap test of flat user and metadata JSON', () => {
  const users = corpus(USERS);
  const metadata = corpus(METADATA);

  it('passes the common flat shapes', async () => {
    const sql = (texts: string[], test: (t: string) => string) =>
      `SELECT ${texts.map((t) => `coalesce(${test(literal(t))}, false)`).join(', ')}`;
    expect((await rows(sql(USERS, flatUser)))[0]).toEqual(USERS.map(() => true));
    expect((await rows(sql(METADATA, flatMetadata)))[0]).toEqual(METADATA.map(() => true));
  });

  for (const json of [false, true]) {
    it(`leaves the same user texts failing as the checks, ${json ? 'JSON' : 'text'} column`, async () => {
      const { rowByRow, distinct } = await refused(file(`users-${json}.copy`, users, 4), 4, json);
      // Both sides well represented: many texts refused, many passing.
      expect(rowByRow.length / users.length).toBeGreaterThan(0.25);
      expect(rowByRow.length / users.length).toBeLessThan(0.75);
      expect(differences(rowByRow, distinct)).toEqual([[], []]);
    });

    it(`leaves the same metadata texts failing as the checks, ${json ? 'JSON' : 'text'} column`, async () => {
      const { rowByRow, distinct } = await refused(file(`metadata-${json}.copy`, metadata, 3), 3, json);
      // Both sides well represented: many texts refused, many passing.
      expect(rowByRow.length / metadata.length).toBeGreaterThan(0.25);
      expect(rowByRow.length / metadata.length).toBeLessThan(0.75);
      expect(differences(rowByRow, distinct)).toEqual([[], []]);
    });
  }

  it('passes only users the row path stores unchanged, with the same ids', async () => {
    const values = users.map(literal).join(', ');
    const ids = `json_extract_string(t, ['$.userID', '$.customIDs'])`;
    const passed = await rows(`SELECT t, ${ids}[1], ${ids}[2] FROM (SELECT unnest([${values}]) AS t)
      WHERE ${flatUser('t')} AND coalesce(list_unique(json_keys(t, '$.customIDs')) = len(json_keys(t, '$.customIDs')), true)`);
    expect(passed.length).toBeGreaterThan(1000);
    for (const [text, userId, customIds] of passed) {
      const built = buildUser({ timestamp: 'ts', event_name: 'name', user: 'user' }, { user: text as string });
      expect(built).toEqual({ ok: true, user: text, userId, customIds });
    }
  });
});
