/**
 * Hashes taken over canonical JSON are stored (the mapping config hash in every ledger row,
 * the config and plan hashes in state and plan files), so their forms must never change.
 * Golden values below were produced by the implementations in use before they were merged
 * into this module; the expected JSON texts are written out by hand and hashed here directly.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { LoadedMapping } from '../config/project.js';
import { mappingConfigHash } from '../engine/config-hash.js';
import { canonicalJson, hashOf, localeOrderedJson, sortKeys } from './canonical-json.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function mapping(
  dataset: 'events' | 'metrics',
  columns: Record<string, unknown>,
  sqlText: string,
  maxRejectRate: number,
): LoadedMapping {
  const config = {
    name: 'm',
    dataset,
    source: 'warehouse',
    sql: './m.sql',
    schedule: 'daily',
    startDate: '2026-10-01',
    columns,
  };
  return { config, sqlText, validation: { maxRejectRate } } as unknown as LoadedMapping;
}

describe('canonicalJson', () => {
  const value = { b: 1, a: [{ d: null, c: 'x', e: undefined }], Z: true, _u: 2 };

  it('sorts keys by code unit and drops undefined members; hashOf is sha256 of that text', () => {
    const text = '{"Z":true,"_u":2,"a":[{"c":"x","d":null}],"b":1}';
    expect(canonicalJson(value)).toBe(text);
    expect(hashOf(value)).toBe(`sha256:${sha256(text)}`);
    expect(hashOf(value)).toBe('sha256:1f400f2d3d33e4ca4ee6f8ad2a82970c7b19845c7d0a57c6541fc266433aab5c');
    expect(JSON.stringify(sortKeys(value))).toBe(text);
  });

  it('gives the same text whatever the key order of the input', () => {
    expect(canonicalJson({ _u: 2, Z: true, a: [{ e: undefined, c: 'x', d: null }], b: 1 })).toBe(canonicalJson(value));
  });
});

describe('the mapping config hash (stored in the ledger)', () => {
  it('keeps its locale key order: Zeta last, beta_Gamma before betaDelta', () => {
    const columns = {
      event_id: 'event_id',
      event_time: 'event_time',
      Zeta: 'z',
      alpha: 'a',
      beta_Gamma: 'b',
      betaDelta: 'c',
    };
    const text =
      '{"columns":{"alpha":"a","beta_Gamma":"b","betaDelta":"c","event_id":"event_id","event_time":"event_time","Zeta":"z"},' +
      '"dataset":"events","maxRejectRate":0,"source":"warehouse","sql":"SELECT * FROM e","zone":"UTC-5"}';
    const hash = mappingConfigHash(mapping('events', columns, '  SELECT * FROM e  ', 0), {
      timeZone: 'UTC-5',
      idTypes: ['user_id'],
    });
    expect(hash).toBe(sha256(text).slice(0, 16));
    expect(hash).toBe('9f7c428295ef5884');
    expect(localeOrderedJson({ Zeta: 1, alpha: 2 })).toBe('{"alpha":2,"Zeta":1}');
    expect(canonicalJson({ Zeta: 1, alpha: 2 })).toBe('{"Zeta":1,"alpha":2}');
  });

  it('matches the golden hash of a metrics mapping (id types sorted, no zone)', () => {
    const columns = {
      unit_id: 'unit_id',
      id_type: { constant: 'user_id' },
      date: 'ds',
      metric_name: 'metric',
      metric_value: 'value',
    };
    const m = mapping('metrics', columns, 'SELECT unit_id, ds, metric, value FROM m\n', 0.01);
    expect(mappingConfigHash(m, { timeZone: 'PST', idTypes: ['user_id', 'device_id'] })).toBe('a97060d81c59d944');
  });
});
