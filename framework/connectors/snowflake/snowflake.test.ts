/**
 * The Snowflake connector through the real snowflake-sdk against the local protocol fake:
 * the shared conformance suite, plus key-pair authentication and registry wiring.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnowflakeSource } from '../../config/types.js';
import { connectorFor } from '../registry.js';
import { runConnectorConformance } from '../conformance/index.js';
import { testContext } from '../conformance/context.js';
import { createDuckDBSeries, loadDuckDBTable } from '../conformance/duckdb-fixtures.js';
import { closedLoopbackPort } from '../conformance/loopback.js';
import { openSnowflake } from './open.js';
import { FakeSnowflake, fakeSnowflakeSource } from './testing/fake-snowflake.js';

process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION = 'true';

const PASSWORD = 'correct-horse-battery-staple';
const WRONG_PASSWORD = 'wrong-horse-battery-staple';
const PASSPHRASE = 'key-pair-passphrase';
const keys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASSPHRASE },
});

const secrets = { SF_PASSWORD: PASSWORD, SF_WRONG: WRONG_PASSWORD, SF_KEY: keys.privateKey, SF_PASSPHRASE: PASSPHRASE };
const context = testContext(secrets);
const tuning = { sdkRetries: 0 };

function source(accessUrl: string, extra: Partial<SnowflakeSource> = {}): SnowflakeSource {
  return fakeSnowflakeSource('sf_main', accessUrl, { role: 'WHARF_ROLE', ...extra });
}

function startFake(): Promise<FakeSnowflake> {
  return FakeSnowflake.start({
    account: 'wharftest',
    users: { wharf_user: { password: PASSWORD, publicKey: keys.publicKey } },
  });
}

runConnectorConformance('snowflake', {
  protocolFake: true,
  faults: true,
  async open() {
    const fake = await startFake();
    const connector = await openSnowflake(source(fake.url), context, tuning);
    return {
      connector,
      async createTable(name, columns, rows) {
        await fake.exclusive(() => loadDuckDBTable(fake.duckdb, name, columns, rows));
        return name;
      },
      async createSeries(name, rowCount, day) {
        await fake.exclusive(() => createDuckDBSeries(fake.duckdb, name, rowCount, day));
        return name;
      },
      badCredentials: () => ({
        open: () => openSnowflake(source(fake.url, { password: { env: 'SF_WRONG' } }), context, tuning),
        secret: WRONG_PASSWORD,
      }),
      unreachable: async () => openSnowflake(source(`http://127.0.0.1:${await closedLoopbackPort()}`), context, tuning),
      faults: { failTransiently: () => fake.failTransiently(), clear: () => fake.clear() },
      async close() {
        await connector.close();
        await fake.close();
      },
    };
  },
});

describe('snowflake connector', () => {
  let fake: FakeSnowflake;
  let folder: string;

  beforeAll(async () => {
    fake = await startFake();
    folder = mkdtempSync(join(tmpdir(), 'wharf-snowflake-'));
    await fake.exclusive(() => fake.duckdb.run('CREATE TABLE t AS SELECT 7::BIGINT AS n'));
  });
  afterAll(async () => {
    await fake.close();
    rmSync(folder, { recursive: true, force: true });
  });

  const query = { mapping: 'm', sqlFile: 'mappings/m.sql', sql: 'SELECT n FROM t', dataset: 'metrics' as const };

  it('logs in with a key pair from an environment variable (encrypted key + passphrase)', async () => {
    const config = source(fake.url, {
      password: undefined,
      privateKey: { env: 'SF_KEY' },
      privateKeyPassphrase: { env: 'SF_PASSPHRASE' },
    });
    const connector = await openSnowflake(config, context, tuning);
    expect(await connector.sample(query, 5)).toEqual([{ n: 7 }]);
    await connector.close();
  });

  it('accepts a key held on one line with \\n escapes, as env files often store it', async () => {
    const escaped = testContext({ ...secrets, SF_KEY: keys.privateKey.replaceAll('\n', '\\n') });
    const config = source(fake.url, {
      password: undefined,
      privateKey: { env: 'SF_KEY' },
      privateKeyPassphrase: { env: 'SF_PASSPHRASE' },
    });
    const connector = await openSnowflake(config, escaped, tuning);
    expect(await connector.sample(query, 1)).toEqual([{ n: 7 }]);
    await connector.close();
  });

  it('cancels the statement when the consumer stops reading early', async () => {
    await fake.exclusive(() => fake.duckdb.run('CREATE OR REPLACE TABLE many AS SELECT range AS n FROM range(50000)'));
    const connector = await openSnowflake(source(fake.url), context, tuning);
    const before = fake.abortRequests;
    const filter = {
      column: 'n',
      columnType: 'integer' as const,
      day: '1970-01-01',
      fromUtc: new Date(0),
      toUtc: new Date(86_400_000),
    };
    for await (const batch of connector.streamDay({ ...query, sql: 'SELECT n FROM many' }, filter, {
      batchSize: 100,
    })) {
      expect(batch).toHaveLength(100);
      break;
    }
    await connector.close();
    expect(fake.abortRequests).toBe(before + 1);
  });

  it('logs in with a key pair from a key file relative to the project root', async () => {
    writeFileSync(join(folder, 'rsa_key.p8'), keys.privateKey);
    const config = source(fake.url, {
      password: undefined,
      privateKeyPath: 'rsa_key.p8',
      privateKeyPassphrase: { env: 'SF_PASSPHRASE' },
    });
    const connector = await openSnowflake(config, testContext(secrets, folder), tuning);
    expect(
      await connector.hasData(query, {
        column: 'n',
        columnType: 'integer',
        day: '1970-01-01',
        fromUtc: new Date(0),
        toUtc: new Date(86_400_000),
      }),
    ).toBe(true);
    await connector.close();
  });

  it('rejects a key pair the user does not own', async () => {
    const other = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const config = source(fake.url, { password: undefined, privateKey: { env: 'OTHER_KEY' } });
    const err = await openSnowflake(config, testContext({ OTHER_KEY: other.privateKey }), tuning).catch(
      (caught: unknown) => caught,
    );
    expect(err).toMatchObject({ errorClass: 'auth' });
    expect(String((err as Error).message)).not.toContain('PRIVATE KEY');
  });

  it('a source without credentials is a config error saying what to set', async () => {
    const err = await openSnowflake(source(fake.url, { password: undefined }), context, tuning).catch(
      (caught: unknown) => caught,
    );
    expect(err).toMatchObject({ errorClass: 'config', code: 'snowflake.no-credentials' });
  });

  it('sends Snowflake SQL: HASH_AGG fingerprints and TIMESTAMP_TZ bounds, with a UTC session', async () => {
    const connector = await openSnowflake(source(fake.url), context, tuning);
    const filter = {
      column: 'n',
      columnType: 'timestamp' as const,
      day: '2024-01-01',
      fromUtc: new Date('2024-01-01T08:00:00Z'),
      toUtc: new Date('2024-01-02T08:00:00Z'),
    };
    await connector.dayStats({ ...query, sql: 'SELECT to_timestamp(n) AS n FROM t' }, [filter]);
    await connector.close();
    const sent = fake.queries.join('\n');
    expect(sent).toContain("ALTER SESSION SET TIMEZONE = 'UTC'");
    expect(sent).toContain('HASH_AGG(*)');
    expect(sent).toContain("'2024-01-01 08:00:00.000+00:00'::TIMESTAMP_TZ");
  });

  it('is registered as the built-in snowflake kind', async () => {
    const definition = await connectorFor('snowflake');
    expect(definition.kind).toBe('snowflake');
    expect(definition.capabilities.fingerprint).toBe(true);
  });
});
