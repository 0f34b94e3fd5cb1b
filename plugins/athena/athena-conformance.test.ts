/**
 * The Athena plugin through the shared conformance suite: the real @aws-sdk/client-athena
 * against the local Athena protocol fake. The streaming check uses 100,000 rows: the fake
 * holds each result in the test process, whose heap the check measures.
 */
import { closedLoopbackPort, runConnectorConformance, testContext } from '@wharf/framework/conformance';
import plugin, { type AthenaSource } from './index.js';
import { startFakeAthena } from './test/fake-athena.js';

const KEY = 'AKIAATHENACONFORM';
const WRONG = 'AKIAATHENAWRONG77';
const context = testContext({ KEY: KEY, SECRET: 'athena-conformance-secret', WRONG });

function source(endpoint: string, extra: Partial<AthenaSource> = {}): AthenaSource {
  return {
    kind: 'athena',
    name: 'athena_lake',
    region: 'us-east-1',
    database: 'main',
    endpoint,
    pollIntervalMs: 2,
    accessKeyId: { env: 'KEY' },
    secretAccessKey: { env: 'SECRET' },
    ...extra,
  };
}

const open = (config: AthenaSource) => plugin.connectors![0].create(config as never, context);

runConnectorConformance('athena', {
  protocolFake: true,
  streamRows: 100_000,
  faults: true,
  async open() {
    const fake = await startFakeAthena(KEY);
    const connector = await open(source(fake.endpoint));
    return {
      connector,
      ...fake.backend.fixtureLoaders(),
      badCredentials: () => ({
        open: () => open(source(fake.endpoint, { accessKeyId: { env: 'WRONG' } })),
        secret: WRONG,
      }),
      unreachable: async () => open(source(`http://127.0.0.1:${await closedLoopbackPort()}`)),
      faults: {
        failTransiently: () => fake.failNext('ThrottlingException', 400, Number.POSITIVE_INFINITY),
        clear: () => fake.clearFaults(),
      },
      async close() {
        await connector.close();
        await fake.close();
      },
    };
  },
});
