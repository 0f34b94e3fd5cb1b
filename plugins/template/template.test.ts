/**
 * The template plugin through the shared conformance suite (@wharf/framework/conformance),
 * against its local fake. Copy this file with the template: a connector plugin is done when
 * this suite passes against its warehouse or a faithful fake of its wire format.
 */
import {
  closedLoopbackPort,
  createDuckDBSeries,
  loadDuckDBTable,
  runConnectorConformance,
  testContext,
} from '@wharf/framework/conformance';
import plugin, { type TemplateHttpSource } from './index.js';
import { startFakeWarehouse } from './test/fake-warehouse.js';

const TOKEN = 'template-token-value';
const WRONG = 'template-wrong-token';
const context = testContext({ TOKEN, WRONG });

function source(endpoint: string, extra: Partial<TemplateHttpSource> = {}): TemplateHttpSource {
  return { kind: 'template_http', name: 'template_wh', endpoint, token: { env: 'TOKEN' }, ...extra };
}

const open = (config: TemplateHttpSource) => plugin.connectors![0].create(config as never, context);

runConnectorConformance('template_http', {
  protocolFake: true,
  // The fake keeps each result in the test process, whose heap the streaming check measures.
  streamRows: 100_000,
  faults: true,
  async open() {
    const fake = await startFakeWarehouse(TOKEN);
    const connector = await open(source(fake.endpoint));
    return {
      connector,
      createTable: async (name, columns, rows) => (
        await loadDuckDBTable(fake.db.connection, name, columns, rows),
        name
      ),
      createSeries: async (name, rowCount, day) => (
        await createDuckDBSeries(fake.db.connection, name, rowCount, day),
        name
      ),
      badCredentials: () => ({ open: () => open(source(fake.endpoint, { token: { env: 'WRONG' } })), secret: WRONG }),
      unreachable: async () => open(source(`http://127.0.0.1:${await closedLoopbackPort()}`)),
      faults: { failTransiently: () => fake.failTransiently(), clear: () => fake.clearFaults() },
      async close() {
        await connector.close();
        await fake.close();
      },
    };
  },
});
