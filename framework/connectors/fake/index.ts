/**
 * The `fake` connector kind, for tests only (not registered as a user source kind): rows
 * held in memory with fault injection. Tests usually construct FakeConnector directly and
 * hand it to the engine's ConnectorPool.
 */
import { defineConnector } from '../define.js';
import { FAKE_CAPABILITIES, FakeConnector, type FakeSourceOptions } from './fake-connector.js';

export default defineConnector<FakeSourceOptions & { kind: 'fake'; name: string }>({
  kind: 'fake',
  capabilities: FAKE_CAPABILITIES,
  create: async (config) => new FakeConnector(config),
});
