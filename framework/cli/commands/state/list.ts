import { readAppliedState } from '../../../apply/read-applied-state.js';
import { stateResources } from '../../../state/addresses.js';
import { renderStateList, stateListJson } from '../../../views/state-resources.js';
import { BaseCommand } from '../../base-command.js';
import { lockTimeoutMs } from '../../state-flags.js';
import { stateReadFlags } from '../../state-source-flags.js';

export default class StateList extends BaseCommand {
  static summary = 'List the addresses in the applied state: mappings, and the sources and schedules they use.';
  static description =
    'One address per line, as `ingest plan` and `ingest state show` use them: mapping.<name> for each applied mapping, source.<name> and schedule.<name> for each source and schedule an applied mapping uses.';
  static examples = ['<%= config.bin %> state list', '<%= config.bin %> state list --state repo --json'];
  static flags = stateReadFlags;

  async run() {
    const { flags } = await this.parse(StateList);
    const project = await this.loadValidProject(flags.project);
    const state = await readAppliedState(
      project,
      flags.state as 'store' | 'repo',
      lockTimeoutMs(flags['lock-timeout']),
      'state list',
    );
    const resources = stateResources(state);
    this.log(renderStateList(resources));
    return stateListJson(state, resources);
  }
}
