import { Flags } from '@oclif/core';
import { loadProject } from '../../config/loader.js';
import { hasErrors } from '../../diagnostics/diagnostic.js';
import { checkQueries } from '../../engine/check-queries.js';
import { ConnectorPool } from '../../engine/connector-pool.js';
import { renderDiagnostics } from '../../views/diagnostics.js';
import { summarizeProject } from '../../views/project-summary.js';
import { BaseCommand } from '../base-command.js';

export default class Validate extends BaseCommand {
  static summary = 'Check every config module, SQL file and cross-reference; report all problems at once.';
  static description =
    "Loads wharf.config.ts and every module under sources/, mappings/ and schedules/, validates each against the schema, and checks references between them. With --queries it also asks each mapping's source to describe its query (no rows are read) and checks the columns the mapping reads and the day column's type. Exits 0 when the project is valid and 1 when it is not.";
  static examples = [
    '<%= config.bin %> validate',
    '<%= config.bin %> validate --queries',
    '<%= config.bin %> validate --json',
    '<%= config.bin %> validate --project ./analytics',
  ];
  static flags = {
    queries: Flags.boolean({
      description:
        "Also describe each mapping's query on its source (needs the sources' credentials; reads no rows) and check the columns it maps.",
    }),
  };

  async run() {
    const { flags } = await this.parse(Validate);
    const result = await loadProject(this.projectRoot(flags.project));
    const diagnostics = [...result.diagnostics];
    const project = hasErrors(diagnostics) ? undefined : result.project;
    if (flags.queries && project) {
      const connectors = new ConnectorPool(project);
      try {
        diagnostics.push(...(await checkQueries({ project, connectors })));
      } finally {
        await connectors.closeAll();
      }
    }
    const valid = !hasErrors(diagnostics);
    const output = { valid, diagnostics };
    if (this.jsonEnabled()) {
      // oclif prints the returned value with --json; the exit code still says whether it is valid.
      if (!valid) process.exitCode = 1;
      return output;
    }
    if (valid && project) {
      this.log(summarizeProject(project, { queriesChecked: !!flags.queries }));
      if (diagnostics.length) this.log(renderDiagnostics(diagnostics));
    } else {
      this.logToStderr(renderDiagnostics(diagnostics));
    }
    if (!valid) this.exit(1);
    return output;
  }
}
