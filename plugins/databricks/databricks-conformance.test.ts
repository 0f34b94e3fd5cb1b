/**
 * The Databricks plugin through the shared conformance suite, against the local fake of the
 * SQL Statement Execution API. The streaming check uses 100,000 rows: the fake holds each
 * result in the test process, whose heap the check measures.
 */
import { closedLoopbackPort, runConnectorConformance, testContext } from '@wharf/framework/conformance';
import plugin, { type DatabricksSource } from './index.js';
import { startFakeDatabricks } from './test/fake-databricks.js';

const TOKEN = 'dapi-conformance-token';
const WRONG = 'dapi-conformance-wrong-token';
const context = testContext({ TOKEN, WRONG });

function source(host: string, extra: Partial<DatabricksSource> = {}): DatabricksSource {
  return {
    kind: 'databricks',
    name: 'bricks_lake',
    host,
    warehouseId: 'wh-c',
    token: { env: 'TOKEN' },
    pollIntervalMs: 2,
    ...extra,
  };
}

const open = (config: DatabricksSource) => plugin.connectors![0].create(config as never, context);

runConnectorConformance('databricks', {
  protocolFake: true,
  streamRows: 100_000,
  faults: true,
  async open() {
    const fake = await startFakeDatabricks({
      warehouseId: 'wh-c',
      token: TOKEN,
      client: { id: 'c', secret: 's' },
      chunkRows: 5_000,
    });
    const connector = await open(source(fake.host));
    return {
      connector,
      ...fake.backend.fixtureLoaders(),
      badCredentials: () => ({ open: () => open(source(fake.host, { token: { env: 'WRONG' } })), secret: WRONG }),
      unreachable: async () => open(source(`http://127.0.0.1:${await closedLoopbackPort()}`)),
      faults: {
        failTransiently: () => fake.failNext(503, 'TEMPORARILY_UNAVAILABLE', Number.POSITIVE_INFINITY),
        clear: () => fake.clearFaults(),
      },
      async close() {
        await connector.close();
        await fake.close();
      },
    };
  },
});
