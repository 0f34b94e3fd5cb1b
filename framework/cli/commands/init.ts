import { resolve } from 'node:path';
import { Args } from '@oclif/core';
import { scaffoldProject } from '../../init/scaffold.js';
import { renderInitResult } from '../../views/init-result.js';
import { BaseCommand } from '../base-command.js';

export default class Init extends BaseCommand {
  static summary =
    'Create a working Wharf project: config, a demo warehouse, mappings, schedules, GitHub workflows and agent service files.';
  static description =
    'Writes package.json (or adds to an existing one), wharf.config.ts, sources/ with an embedded DuckDB demo warehouse, mappings/ with their SQL, schedules/, tsconfig.json, .gitignore, the GitHub workflows and action, a Dockerfile and a systemd unit for the agent into DIR (default: the current folder). It never overwrites a file: if any of its files exists, it lists them and writes nothing.';
  static examples = ['<%= config.bin %> init', '<%= config.bin %> init analytics'];

  static args = {
    dir: Args.directory({
      description: 'Folder to create the project in (created when missing).',
      required: false,
      default: '.',
    }),
  };

  async run() {
    const { args } = await this.parse(Init);
    const dir = resolve(args.dir);
    const result = scaffoldProject(dir);
    if (!this.jsonEnabled()) this.log(renderInitResult(result, args.dir));
    return result;
  }
}
