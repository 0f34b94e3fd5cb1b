/** The flags `ingest plan`, `ingest state list` and `ingest state show` share: where the state is read. */
import { Flags } from '@oclif/core';

export const stateReadFlags = {
  state: Flags.string({
    description:
      'Where the applied state is read: the store, or status/state.json in the repository (no credentials needed).',
    options: ['store', 'repo'],
    default: 'store',
  }),
  'lock-timeout': Flags.string({
    description: 'How long to wait for a store held by another process, e.g. 30s.',
    default: '0s',
  }),
};
