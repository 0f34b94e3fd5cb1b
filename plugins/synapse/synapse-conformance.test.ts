/**
 * The Synapse plugin through the shared conformance suite: the real mssql/tedious driver
 * against the minimal TDS fake. The streaming check uses 100,000 rows: the fake holds each
 * result in the test process, whose heap the check measures. Synapse has no JSON column type
 * (JSON is stored as NVARCHAR), so the JSON fixture column describes as `string`; its values
 * must still parse to the fixture's JSON.
 */
import { closedLoopbackPort, runConnectorConformance, testContext } from '@wharf/framework/conformance';
import plugin, { type SynapseSource } from './index.js';
import { startFakeSynapse } from './test/fake-synapse.js';

const PASSWORD = 'Conformance-Pass-1';
const WRONG = 'Conformance-Wrong-2';
const context = testContext({ PASSWORD, WRONG });

function source(port: number, extra: Partial<SynapseSource> = {}): SynapseSource {
  return {
    kind: 'synapse',
    name: 'synapse_dw',
    server: '127.0.0.1',
    port,
    database: 'dw',
    user: 'reader',
    password: { env: 'PASSWORD' },
    encrypt: false,
    ...extra,
  };
}

const open = (config: SynapseSource) => plugin.connectors![0].create(config as never, context);

runConnectorConformance('synapse', {
  protocolFake: true,
  streamRows: 100_000,
  faults: true,
  async open() {
    const fake = await startFakeSynapse({ user: 'reader', password: PASSWORD });
    const connector = await open(source(fake.port));
    return {
      connector,
      describedAs: { doc: 'string' },
      ...fake.backend.fixtureLoaders(),
      badCredentials: () => ({ open: () => open(source(fake.port, { password: { env: 'WRONG' } })), secret: WRONG }),
      unreachable: async () => open(source(await closedLoopbackPort())),
      faults: { failTransiently: () => fake.failTransiently(), clear: () => fake.clearFaults() },
      async close() {
        await connector.close();
        await fake.close();
      },
    };
  },
});
