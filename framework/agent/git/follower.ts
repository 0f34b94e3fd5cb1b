/**
 * Follows a repository's branch: clones it into the agent's work folder, fetches on an
 * interval and when told (the push webhook), and hands each new configuration on. Two
 * checkouts: `candidate/`, where a new commit is validated, and `live/`, which moves to a
 * commit only once it validated, so the configuration in effect never changes under the
 * running agent. A commit that does not validate is reported and not applied; the last good
 * configuration keeps running. Commits that touch only the status folder (the agent's own
 * reports) are not applied again.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { ImportAborted } from '../../config/isolation/isolated-import.js';
import { loadProject, type LoadOptions, type LoadResult } from '../../config/loader.js';
import type { LoadedProject } from '../../config/project.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { isTransient, messageOf, WharfError } from '../../diagnostics/errors.js';
import { silentLogger, type Logger } from '../../util/log.js';
import { linkFrameworkModules } from './module-link.js';

/** What the follower hands new configurations to. */
export interface CommitHandler {
  /** A commit validated: plan and apply it. Throwing reports the commit as not applied. */
  apply(project: LoadedProject, sha: string): Promise<void>;
  /**
   * A commit did not validate (or could not be applied); the previous configuration stays.
   * `restored`: the refusal was recorded before a restart and is only shown again (no notification).
   */
  rejected(sha: string, problems: string[], restored?: boolean): Promise<void>;
}

export interface GitFollowerOptions {
  /** URL or local path of the repository. */
  remote: string;
  branch: string;
  /** The agent's work folder; the follower uses `repo/` (live), `candidate/` and `follower.json`. */
  workdir: string;
  /** Project folder inside the repository (where wharf.config.ts is). Default the root. */
  projectPath?: string;
  statusDir?: string;
  fetchIntervalMs?: number;
  handler: CommitHandler;
  log?: Logger;
  /** How configs are loaded (limits of the module worker); read at each load. */
  loadOptions?: Omit<LoadOptions, 'signal'>;
}

export const DEFAULT_FETCH_INTERVAL_MS = 60_000;

interface Persisted {
  /** Commit in effect; loaded at start even when newer commits are invalid. */
  applied: string | null;
  /** Newest commit looked at (applied, rejected or status-only). */
  seen: string | null;
  /** The last refused commit and why, shown again after a restart. */
  rejected?: { sha: string; problems: string[] } | null;
  /**
   * The commit being validated and how many starts began validating it: a process that ends
   * while validating a commit (killed, out of memory) does not try the same commit forever.
   */
  validating?: { sha: string; attempts: number } | null;
}

/** Starts that may end while validating one commit before it is refused without another try. */
export const MAX_VALIDATION_ATTEMPTS = 2;

/** Loads of the applied commit at start that may fail transiently before the start fails. */
const RESTORE_TRIES = 3;

/**
 * A load that told nothing about the commit: cancelled by a shutdown, or the config loader
 * thread could not start (a transient WharfError). The commit is loaded again later; it does
 * not count as an attempt and is never refused for it.
 */
function inconclusive(err: unknown): boolean {
  return err instanceof ImportAborted || isTransient(err);
}

export class GitFollower {
  private live!: SimpleGit;
  private candidate!: SimpleGit;
  private state: Persisted = { applied: null, seen: null };
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private again = false;
  private readonly log: Logger;
  /** Cancels a config load under way when the follower stops. */
  private readonly stopping = new AbortController();

  constructor(private readonly options: GitFollowerOptions) {
    this.log = options.log ?? silentLogger;
  }

  get liveDir(): string {
    return join(this.options.workdir, 'repo');
  }

  get appliedCommit(): string | null {
    return this.state.applied;
  }

  /** Clones if needed, restores the configuration in effect, then looks at the branch tip. */
  async start(): Promise<void> {
    await this.prepare();
    const rejected = this.state.rejected;
    if (this.state.applied) await this.restoreApplied(this.state.applied);
    // After the configuration in effect, so that applying it does not clear the refusal shown.
    if (rejected) await this.options.handler.rejected(rejected.sha, rejected.problems, true);
    await this.poll();
    if (this.stopping.signal.aborted) return;
    this.timer = setInterval(() => void this.poll(), this.options.fetchIntervalMs ?? DEFAULT_FETCH_INTERVAL_MS);
    this.timer.unref();
  }

  /** Cancels a config load under way (a shutdown began, perhaps during start()). */
  interrupt(): void {
    this.stopping.abort();
  }

  stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.interrupt();
    return this.polling ?? Promise.resolve();
  }

  /** Fetches now (the webhook); polls never overlap, and a request during one runs after it. */
  poll(): Promise<void> {
    if (this.polling) {
      this.again = true;
      return this.polling;
    }
    this.polling = (async () => {
      do {
        this.again = false;
        await this.pollOnce().catch((err) => {
          if (!(err instanceof ImportAborted))
            this.log.error('fetching the repository failed', { error: messageOf(err) });
        });
      } while (this.again);
    })().finally(() => (this.polling = null));
    return this.polling;
  }

  private async prepare(): Promise<void> {
    const { workdir, remote, branch } = this.options;
    mkdirSync(workdir, { recursive: true });
    linkFrameworkModules(workdir);
    if (!existsSync(join(this.liveDir, '.git'))) await simpleGit().clone(remote, this.liveDir, ['--branch', branch]);
    this.live = simpleGit(this.liveDir);
    const candidateDir = join(workdir, 'candidate');
    if (!existsSync(join(candidateDir, '.git')))
      await this.live.raw(['worktree', 'add', '--force', '--detach', candidateDir]);
    this.candidate = simpleGit(candidateDir);
    const file = join(workdir, 'follower.json');
    if (existsSync(file)) this.state = JSON.parse(readFileSync(file, 'utf8')) as Persisted;
  }

  private save(): void {
    writeFileSync(join(this.options.workdir, 'follower.json'), JSON.stringify(this.state, null, 2) + '\n');
  }

  private async restoreApplied(sha: string): Promise<void> {
    await this.live.raw(['checkout', '-f', '--detach', sha]);
    const loaded = await this.loadRetrying(this.liveDir, sha);
    if (!loaded) return;
    const { project, diagnostics } = loaded;
    if (!project) return void (await this.reject(sha, problems(diagnostics)));
    await this.applyAt(project, sha, true);
  }

  /** Loads a checkout, again when the loader could not start; null when a shutdown cancelled it. */
  private async loadRetrying(checkout: string, sha: string): Promise<LoadResult | null> {
    for (let tries = 1; ; tries++) {
      try {
        return await this.load(checkout);
      } catch (err) {
        if (err instanceof ImportAborted) return null;
        if (!isTransient(err) || tries >= RESTORE_TRIES) throw err;
        this.log.warn('loading the applied commit failed; trying again', { sha, ...failureFields(err) });
      }
    }
  }

  private async pollOnce(): Promise<void> {
    await this.live.fetch('origin', this.options.branch);
    const tip = (await this.live.revparse([`origin/${this.options.branch}`])).trim();
    if (tip === this.state.seen) return void this.log.debug('branch tip already handled', { sha: tip });
    if (this.state.seen && (await this.onlyStatusChanged(this.state.seen, tip))) {
      this.log.debug('only status reports changed', { sha: tip });
      this.state.seen = tip;
      return this.save();
    }
    this.log.info('new commit', { sha: tip });
    const seenBefore = this.state.seen;
    try {
      await this.validateAndApply(tip);
    } catch (err) {
      if (!inconclusive(err)) throw err;
      // Not handled after all: the next fetch (or start) loads this commit again.
      this.state.seen = seenBefore;
      this.save();
      if (err instanceof ImportAborted) throw err;
      this.log.warn('the commit could not be loaded this time; trying again on the next fetch', {
        sha: tip,
        ...failureFields(err),
      });
    }
  }

  private async validateAndApply(tip: string): Promise<void> {
    const candidate = await this.validate(tip);
    if (!candidate) return;
    await this.live.raw(['checkout', '-f', '--detach', tip]);
    const { project } = await this.load(this.liveDir);
    if (project) await this.applyAt(project, tip);
  }

  /**
   * Validates a commit in the candidate checkout; null when it is refused (and reported). The
   * attempt is recorded first, so a process that dies while validating does not retry forever.
   */
  private async validate(tip: string): Promise<LoadedProject | null> {
    const attempts = this.state.validating?.sha === tip ? this.state.validating.attempts + 1 : 1;
    if (attempts > MAX_VALIDATION_ATTEMPTS) {
      this.finishValidation(tip);
      await this.reject(tip, [
        `The agent stopped ${MAX_VALIDATION_ATTEMPTS} times while validating this commit, so it is not tried again. Check its config modules with \`ingest validate\`, then push a new commit.`,
      ]);
      return null;
    }
    this.state.validating = { sha: tip, attempts };
    this.save();
    await this.candidate.raw(['checkout', '-f', '--detach', tip]);
    const { project, diagnostics } = await this.load(join(this.options.workdir, 'candidate')).catch((err) => {
      if (inconclusive(err)) this.state.validating = attempts > 1 ? { sha: tip, attempts: attempts - 1 } : null;
      this.save();
      throw err;
    });
    this.finishValidation(tip);
    if (!project) {
      this.log.warn('commit does not validate; the previous configuration keeps running', {
        sha: tip,
        problems: problems(diagnostics),
      });
      await this.reject(tip, problems(diagnostics));
      return null;
    }
    return project;
  }

  /** Loads the project of a checkout; the config modules run in a worker, cancelled by stop(). */
  private load(checkout: string): Promise<LoadResult> {
    return loadProject(this.projectRoot(checkout), { ...this.options.loadOptions, signal: this.stopping.signal });
  }

  private finishValidation(sha: string): void {
    this.state.seen = sha;
    this.state.validating = null;
    this.save();
  }

  private async reject(sha: string, reasons: string[]): Promise<void> {
    this.state.rejected = { sha, problems: reasons };
    this.save();
    await this.options.handler.rejected(sha, reasons);
  }

  private async applyAt(project: LoadedProject, sha: string, restoring = false): Promise<void> {
    try {
      await this.options.handler.apply(project, sha);
      this.state.applied = sha;
      if (!restoring) this.state.rejected = null;
      this.save();
      this.log.info('configuration applied', { sha });
    } catch (err) {
      this.log.error('configuration not applied', { sha, error: messageOf(err) });
      await this.reject(sha, [`Applying the commit failed: ${messageOf(err)}`]);
    }
  }

  private async onlyStatusChanged(from: string, to: string): Promise<boolean> {
    const dir =
      (this.options.projectPath ? `${this.options.projectPath}/` : '') + (this.options.statusDir ?? 'status') + '/';
    try {
      const paths = (await this.live.raw(['diff', '--name-only', from, to])).split('\n').filter(Boolean);
      return paths.length > 0 && paths.every((p) => p.startsWith(dir));
    } catch {
      return false;
    }
  }

  private projectRoot(checkout: string): string {
    return this.options.projectPath ? join(checkout, this.options.projectPath) : checkout;
  }
}

/** The log fields of a failed load: the error's code and message, and its hint when it has one. */
function failureFields(err: unknown): Record<string, unknown> {
  return err instanceof WharfError
    ? { code: err.code, error: err.message, ...(err.hint ? { hint: err.hint } : {}) }
    : { error: messageOf(err) };
}

/** One line per error diagnostic: file, field, summary. */
export function problems(diagnostics: Diagnostic[]): string[] {
  return diagnostics
    .filter((d) => d.severity === 'error')
    .map(
      (d) =>
        [d.file, d.field].filter(Boolean).join(': ') +
        (d.file || d.field ? ': ' : '') +
        d.summary +
        (d.hint ? ` (${d.hint})` : ''),
    );
}
