import { loadProject } from '../../config/loader.js';
import { hasErrors } from '../../diagnostics/diagnostic.js';
import { renderDiagnostics } from '../../views/diagnostics.js';
import { summarizeProject } from '../../views/project-summary.js';
import { BaseCommand } from '../base-command.js';

export default class Validate extends BaseCommand {
  static summary = 'Check every config module, SQL file and cross-reference; report all problems at once.';
  static description =
    'Loads wharf.config.ts and every module under sources/, mappings/ and schedules/, validates each against the schema, and checks references between them. Exits 0 when the project is valid and 1 when it is not.';
  static examples = [
    '<%= config.bin %> validate',
    '<%= config.bin %> validate --json',
    '<%= config.bin %> validate --project ./analytics',
  ];

  async run() {
    const { flags } = await this.parse(Validate);
    const result = await loadProject(this.projectRoot(flags.project));
    const valid = !hasErrors(result.diagnostics);
    const output = { valid, diagnostics: result.diagnostics };
    if (this.jsonEnabled()) {
      // oclif prints the returned value with --json; the exit code still says whether it is valid.
      if (!valid) process.exitCode = 1;
      return output;
    }
    if (valid && result.project) {
      this.log(summarizeProject(result.project));
      if (result.diagnostics.length) this.log(renderDiagnostics(result.diagnostics));
    } else {
      this.logToStderr(renderDiagnostics(result.diagnostics));
    }
    if (!valid) this.exit(1);
    return output;
  }
}
