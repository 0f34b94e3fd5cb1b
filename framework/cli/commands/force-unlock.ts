import { Args, Flags } from '@oclif/core';
import { openProjectStore } from '../../apply/operations.js';
import { forceUnlock } from '../../state/lock.js';
import { BaseCommand } from '../base-command.js';
import { lockTimeoutMs } from '../state-flags.js';

export default class ForceUnlock extends BaseCommand {
  static summary = 'Remove an apply lock left behind by a process that is gone.';
  static description =
    'Deletes the apply lock with this id from the store. Only do this when the process named in the "locked by" message is no longer running: two applies at once could record conflicting state.';
  static examples = ['<%= config.bin %> force-unlock 4f0c2a9e-6d0b-4a47-9d3e-2a1c55b1e0f7'];

  static args = { id: Args.string({ description: 'The lock id from the "locked by" message.', required: true }) };
  static flags = {
    'lock-timeout': Flags.string({
      description: 'How long to wait for a store held by another process, e.g. 30s.',
      default: '0s',
    }),
  };

  async run() {
    const { args, flags } = await this.parse(ForceUnlock);
    const project = await this.loadValidProject(flags.project);
    const connection = await openProjectStore(project, 'force-unlock', lockTimeoutMs(flags['lock-timeout']));
    try {
      const holder = await forceUnlock(connection, args.id);
      this.log(
        `Removed the lock ${holder.id} held by ${holder.operation} (host ${holder.host}, pid ${holder.pid}) since ${holder.since}.`,
      );
      return { unlocked: holder };
    } finally {
      await connection.close();
    }
  }
}
