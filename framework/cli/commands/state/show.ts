import { Args } from '@oclif/core';
import { readAppliedState } from '../../../apply/read-applied-state.js';
import { findResource } from '../../../state/addresses.js';
import { renderStateShow, stateShowJson } from '../../../views/state-resources.js';
import { BaseCommand } from '../../base-command.js';
import { lockTimeoutMs } from '../../state-flags.js';
import { stateReadFlags } from '../../state-source-flags.js';

export default class StateShow extends BaseCommand {
  static summary = 'Show one address of the applied state with every recorded attribute.';
  static description =
    'ADDRESS is one line of `ingest state list`: mapping.<name>, source.<name> or schedule.<name>. Secrets appear only as references ({ env: NAME }).';
  static examples = [
    '<%= config.bin %> state show mapping.daily_metrics',
    '<%= config.bin %> state show schedule.daily_9am --json',
  ];
  static args = {
    address: Args.string({ description: 'mapping.<name>, source.<name> or schedule.<name>', required: true }),
  };
  static flags = stateReadFlags;

  async run() {
    const { args, flags } = await this.parse(StateShow);
    const project = await this.loadValidProject(flags.project);
    const state = await readAppliedState(
      project,
      flags.state as 'store' | 'repo',
      lockTimeoutMs(flags['lock-timeout']),
      'state show',
    );
    const resource = findResource(state, args.address);
    this.log(renderStateShow(resource));
    return stateShowJson(state, resource);
  }
}
