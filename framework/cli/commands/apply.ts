import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { Args, Flags } from '@oclif/core';
import pc from 'picocolors';
import { applyPlan } from '../../apply/apply-plan.js';
import { dataActionRunnerFor } from '../../apply/default-runner.js';
import { currentConfigHash, openProjectStore, planAgainst, readPlanningFrom } from '../../apply/operations.js';
import { WharfError } from '../../diagnostics/errors.js';
import { readPlanFile } from '../../plan/plan-file.js';
import { hasChanges } from '../../plan/summary.js';
import type { Plan } from '../../plan/types.js';
import { renderApplyResult } from '../../views/apply-result.js';
import { ProgressReporter } from '../../views/ingest-progress.js';
import { planView } from '../../views/plan-view.js';
import { BaseCommand } from '../base-command.js';
import { lockTimeoutMs } from '../state-flags.js';

export default class Apply extends BaseCommand {
  static summary = 'Carry out a saved plan, or plan, confirm and apply.';
  static description =
    'With a plan file (from `ingest plan --out`), applies exactly that plan, and refuses it when the config or the state changed since it was made. Without one, makes a plan, shows it and asks for confirmation (--auto-approve skips the question). Config changes are recorded in one transaction with the data actions queued; the data actions then run, unless --no-data leaves them queued for the agent. Only one apply runs against a store at a time.';
  static examples = [
    '<%= config.bin %> apply plan.json',
    '<%= config.bin %> apply',
    '<%= config.bin %> apply --auto-approve --no-data',
    '<%= config.bin %> apply --auto-approve --lock-timeout 5m --target app_events',
  ];

  static args = { planfile: Args.file({ description: 'A plan saved with `ingest plan --out`.', required: false }) };
  static flags = {
    'auto-approve': Flags.boolean({ description: 'Apply without asking for confirmation (for CI).' }),
    'no-data': Flags.boolean({
      description: 'Record the config change and leave the data actions queued for the agent.',
    }),
    'lock-timeout': Flags.string({
      description: 'How long to wait for another apply to finish, e.g. 30s or 5m.',
      default: '0s',
    }),
    target: Flags.string({
      description: 'Limit the plan to this mapping (repeatable; not with a plan file).',
      multiple: true,
    }),
    'destroy-data': Flags.boolean({
      description: 'Delete the loaded data of removed ingestions (not with a plan file).',
    }),
  };

  async run() {
    const { args, flags } = await this.parse(Apply);
    if (args.planfile && (flags.target?.length || flags['destroy-data'])) {
      throw new WharfError('--target and --destroy-data shape a new plan; a saved plan is applied as it is.', {
        code: 'cli.apply-flags',
        errorClass: 'config',
        hint: 'Pass them to `ingest plan --out` instead.',
      });
    }
    const project = await this.loadValidProject(flags.project);
    const timeout = lockTimeoutMs(flags['lock-timeout']);
    const connection = await openProjectStore(project, 'apply', timeout);
    try {
      const plan = args.planfile
        ? readPlanFile(resolve(args.planfile), args.planfile)
        : await this.planAndConfirm(project, connection, flags);
      if (!plan) return { applied: false, reason: 'not confirmed' };
      // As run and backfill: one line per day on stdout off a terminal, a progress bar on stderr on one.
      const progress = this.jsonEnabled()
        ? undefined
        : new ProgressReporter({ stdout: process.stdout, stderr: process.stderr, dayLines: true });
      const runner = dataActionRunnerFor(project, connection, { onProgress: progress?.onEvent });
      const result = await applyPlan({
        connection,
        plan,
        currentConfigHash: currentConfigHash(project),
        runner,
        noData: flags['no-data'],
        lockTimeoutMs: timeout,
        planName: args.planfile,
      }).finally(() => {
        progress?.finish();
        return runner.close();
      });
      if (!this.jsonEnabled()) this.log(renderApplyResult(result, { color: pc.isColorSupported }));
      if (result.failed) {
        if (this.jsonEnabled()) this.logJson(result);
        this.exit(1);
      }
      return result;
    } finally {
      await connection.close();
    }
  }

  private async planAndConfirm(
    project: Awaited<ReturnType<Apply['loadValidProject']>>,
    connection: Awaited<ReturnType<typeof openProjectStore>>,
    flags: { target?: string[]; 'destroy-data'?: boolean; 'auto-approve'?: boolean },
  ): Promise<Plan | null> {
    const now = new Date();
    const plan = planAgainst(project, await readPlanningFrom(project, 'store', now, connection), {
      now,
      targets: flags.target,
      destroyData: flags['destroy-data'],
    });
    if (!this.jsonEnabled()) this.log(planView('human', { color: pc.isColorSupported }).render(plan));
    if (!hasChanges(plan.summary) || flags['auto-approve']) return plan;
    if (!process.stdin.isTTY || this.jsonEnabled()) {
      throw new WharfError('Apply needs confirmation, and there is no terminal to ask on.', {
        code: 'apply.needs-approval',
        errorClass: 'config',
        hint: 'Review the plan, then run `ingest apply --auto-approve`, or save it with `ingest plan --out plan.json` and run `ingest apply plan.json`.',
      });
    }
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = await rl.question("\nDo you want to apply these changes? Only 'yes' will be accepted: ");
    rl.close();
    if (answer.trim() === 'yes') return plan;
    this.log('Apply cancelled; nothing was changed.');
    return null;
  }
}
