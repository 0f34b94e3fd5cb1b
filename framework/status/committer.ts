/**
 * Commits the rendered status report back to the repository and pushes it. It works in a
 * clone of its own (never the checkout the configuration is loaded from), writes and stages
 * only files under the status folder (checked before every commit), commits as a configurable
 * bot identity, and when the push is rejected because the remote moved, fetches, rebases and
 * pushes again, a bounded number of times. A rebase that conflicts (someone edited a status
 * file) is abandoned and the report is written afresh on the new remote tip: the report is
 * derived from the ledger, so nothing is lost.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { WharfError, messageOf } from '../diagnostics/errors.js';
import { redactSecrets } from '../diagnostics/redact.js';
import { silentLogger, type Logger } from '../util/log.js';
import { statusCommitMessage } from './change-summary.js';

/** Who the status commits are by. */
export interface GitIdentity {
  name: string;
  email: string;
}

export const DEFAULT_BOT_IDENTITY: GitIdentity = { name: 'wharf-agent', email: 'wharf-agent@users.noreply.localhost' };

export interface StatusCommitterOptions {
  /** The repository to push to: a URL or a local path. */
  remote: string;
  branch: string;
  /** The committer's own clone; created on first use. */
  dir: string;
  /** Folder of the report inside the repository (the project's `statusDir`, default `status`). */
  statusDir?: string;
  identity?: GitIdentity;
  /** Push attempts before giving up (each after a fetch and rebase). Default 5. */
  maxAttempts?: number;
  log?: Logger;
}

export interface PublishResult {
  /** The pushed commit, or null when the report was already up to date. */
  sha: string | null;
  message: string | null;
  changedFiles: string[];
  pushAttempts: number;
}

const REJECTED = /\[rejected\]|non-fast-forward|fetch first|failed to push|stale info|cannot lock ref/i;

export class StatusCommitter {
  private readonly statusDir: string;
  private readonly identity: GitIdentity;
  private readonly log: Logger;
  private git: SimpleGit | null = null;

  constructor(private readonly options: StatusCommitterOptions) {
    this.statusDir = checkStatusDir(options.statusDir ?? 'status');
    this.identity = options.identity ?? DEFAULT_BOT_IDENTITY;
    this.log = options.log ?? silentLogger;
  }

  /** Writes `files` (paths relative to the status folder), commits what changed and pushes. */
  async publish(files: Map<string, string>, prune = true): Promise<PublishResult> {
    for (const path of files.keys()) checkRelative(path);
    const git = await this.repo();
    await this.syncToRemote(git);
    const { message, changed } = await this.writeAndCommit(git, files, prune);
    if (!message) return { sha: null, message: null, changedFiles: [], pushAttempts: 0 };
    const attempts = await this.pushWithRetry(git, files, prune);
    const sha = (await git.revparse(['HEAD'])).trim();
    this.log.info('status pushed', { sha, files: changed.length, attempts });
    return { sha, message, changedFiles: changed, pushAttempts: attempts };
  }

  private async repo(): Promise<SimpleGit> {
    if (this.git) return this.git;
    const config = [`user.name=${this.identity.name}`, `user.email=${this.identity.email}`, 'commit.gpgsign=false'];
    if (!existsSync(join(this.options.dir, '.git'))) {
      mkdirSync(dirname(this.options.dir), { recursive: true });
      await simpleGit().clone(this.options.remote, this.options.dir, [
        '--branch',
        this.options.branch,
        '--single-branch',
      ]);
    }
    // simple-git warns of (and will refuse) `-c` keys outside its known-safe list unless named here.
    this.git = simpleGit({ baseDir: this.options.dir, config, allowConfig: ['commit.gpgsign'] });
    return this.git;
  }

  private async syncToRemote(git: SimpleGit): Promise<void> {
    await git.fetch('origin', this.options.branch);
    await git.raw(['checkout', '-f', '-B', this.options.branch, `origin/${this.options.branch}`]);
    await git.raw(['clean', '-fdq', '--', this.statusDir]);
  }

  /** Writes the files, stages the status folder, checks nothing else is staged, commits. */
  private async writeAndCommit(
    git: SimpleGit,
    files: Map<string, string>,
    prune: boolean,
  ): Promise<{ message: string | null; changed: string[] }> {
    const root = join(this.options.dir, this.statusDir);
    const before = new Map<string, string | undefined>();
    for (const path of existingReportFiles(root)) before.set(path, readFileSync(join(root, path), 'utf8'));
    if (prune) for (const path of before.keys()) if (!files.has(path)) rmSync(join(root, path));
    for (const [path, text] of files) {
      if (!before.has(path)) before.set(path, undefined);
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    await git.raw(['add', '-A', '--', this.statusDir]);
    const staged = (await git.raw(['diff', '--cached', '--name-only'])).split('\n').filter(Boolean);
    this.assertOnlyStatus(staged);
    if (staged.length === 0) return { message: null, changed: [] };
    const message = statusCommitMessage(before, files);
    await git.commit(message);
    return { message, changed: staged };
  }

  private assertOnlyStatus(paths: string[]): void {
    const outside = paths.filter((p) => !p.startsWith(`${this.statusDir}/`));
    if (outside.length) {
      throw new WharfError(`Refusing to commit files outside ${this.statusDir}/: ${outside.join(', ')}.`, {
        code: 'status.outside-status-dir',
        errorClass: 'internal',
        hint: `The agent's status clone (${this.options.dir}) has changes it did not make; delete the folder and the agent clones it again.`,
      });
    }
  }

  private async pushWithRetry(git: SimpleGit, files: Map<string, string>, prune: boolean): Promise<number> {
    const max = this.options.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      try {
        await git.push('origin', `HEAD:refs/heads/${this.options.branch}`);
        return attempt;
      } catch (err) {
        const text = redactSecrets(messageOf(err));
        if (!REJECTED.test(text) || attempt >= max) {
          throw new WharfError(
            `Pushing the status report to ${this.options.branch} failed after ${attempt} attempt(s): ${text}`,
            {
              code: 'status.push-failed',
              errorClass: 'connection',
              transient: REJECTED.test(text),
              cause: err,
              hint: 'Check that the agent may push to the branch (credentials, branch protection); the next flush tries again.',
            },
          );
        }
        this.log.info('status push rejected, the remote moved: rebasing', { attempt });
        await this.rebaseOntoRemote(git, files, prune);
      }
    }
  }

  private async rebaseOntoRemote(git: SimpleGit, files: Map<string, string>, prune: boolean): Promise<void> {
    await git.fetch('origin', this.options.branch);
    try {
      await git.raw(['rebase', `origin/${this.options.branch}`]);
      this.assertOnlyStatus(
        (await git.raw(['diff', '--name-only', `origin/${this.options.branch}`, 'HEAD'])).split('\n').filter(Boolean),
      );
    } catch (err) {
      if (err instanceof WharfError) throw err;
      this.log.warn('status rebase conflicted: writing the report afresh on the new remote tip', {
        error: messageOf(err),
      });
      await git.raw(['rebase', '--abort']).catch(() => undefined);
      await this.syncToRemote(git);
      await this.writeAndCommit(git, files, prune);
    }
  }
}

/** Report files already in the folder (paths relative to it): what a new report may replace. */
function existingReportFiles(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(json|md|svg)$/.test(e.name))
    .map((e) =>
      join(e.parentPath, e.name)
        .slice(root.length + 1)
        .split(sep)
        .join('/'),
    );
}

function checkStatusDir(dir: string): string {
  const clean = normalize(dir).split(sep).join('/').replace(/\/+$/, '');
  if (!clean || clean === '.' || isAbsolute(clean) || clean.startsWith('..')) {
    throw new WharfError(`statusDir '${dir}' must be a folder inside the repository.`, {
      code: 'status.bad-dir',
      errorClass: 'config',
      hint: "Use a relative folder such as 'status'.",
    });
  }
  return clean;
}

function checkRelative(path: string): void {
  const clean = normalize(path);
  if (isAbsolute(path) || clean.startsWith('..') || clean.includes(`${sep}..${sep}`) || clean === '.') {
    throw new WharfError(`Status file path '${path}' leaves the status folder.`, {
      code: 'status.outside-status-dir',
      errorClass: 'internal',
    });
  }
}
