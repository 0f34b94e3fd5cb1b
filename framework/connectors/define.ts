import type { ConnectorDefinition } from './types.js';

/** Identity helper that type-checks a connector definition (built-in or plugin). */
export function defineConnector<C>(definition: ConnectorDefinition<C>): ConnectorDefinition<C> {
  return definition;
}
