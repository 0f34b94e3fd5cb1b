import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  cloneRemote,
  commitAndPush,
  createRemote,
  exampleConfigFiles,
  git,
  type TempRemote,
} from '../../../test/support/git-remote.js';
import { stuckConfigWorker } from '../../../test/support/stuck-config-worker.js';
import { DEFAULT_LIMITS } from '../../config/isolation/isolated-import.js';
import type { LoadOptions } from '../../config/loader.js';
import type { LoadedProject } from '../../config/project.js';
import type { Logger } from '../../util/log.js';
import { GitFollower, MAX_VALIDATION_ATTEMPTS, type CommitHandler, type GitFollowerOptions } from './follower.js';

let remote: TempRemote;
afterEach(() => remote?.cleanup());

class Recorder implements CommitHandler {
  applied: { sha: string; mappings: string[]; root: string }[] = [];
  rejectedCommits: { sha: string; problems: string[] }[] = [];
  failApply = false;
  async apply(project: LoadedProject, sha: string) {
    if (this.failApply) throw new Error('the state is locked');
    this.applied.push({ sha, mappings: [...project.mappings.keys()].sort(), root: project.root });
  }
  async rejected(sha: string, problems: string[]) {
    this.rejectedCommits.push({ sha, problems });
  }
}

function follower(r: TempRemote, handler: CommitHandler, more: Partial<GitFollowerOptions> = {}) {
  return new GitFollower({
    remote: r.remote,
    branch: r.branch,
    workdir: join(r.root, 'agent'),
    handler,
    fetchIntervalMs: 3_600_000,
    ...more,
  });
}

/** A logger keeping the warnings, with their fields. */
function warnings(): Logger & { lines: { msg: string; fields: Record<string, unknown> }[] } {
  const lines: { msg: string; fields: Record<string, unknown> }[] = [];
  const log = {
    lines,
    debug: () => {},
    info: () => {},
    warn: (msg: string, fields: Record<string, unknown> = {}) => void lines.push({ msg, fields }),
    error: () => {},
    child: () => log,
  };
  return log;
}

const newMapping = (text: string) => text.replace("name: 'app_events'", "name: 'more_events'");

describe('GitFollower', () => {
  it('applies the initial config and each new valid commit; an invalid commit is reported and not applied', async () => {
    remote = createRemote(exampleConfigFiles());
    const other = cloneRemote(remote, 'someone');
    const handler = new Recorder();
    const f = follower(remote, handler);
    await f.start();
    const first = git(remote.remote, 'rev-parse', remote.branch);
    expect(handler.applied).toEqual([
      { sha: first, mappings: ['app_events', 'checkout_conversion', 'daily_metrics'], root: f.liveDir },
    ]);

    const added = commitAndPush(
      other,
      remote.branch,
      { 'mappings/more_events.ts': newMapping(readFileSync(join(other, 'mappings/app_events.ts'), 'utf8')) },
      'add more_events',
    );
    await f.poll();
    expect(handler.applied.at(-1)).toEqual({
      sha: added,
      mappings: ['app_events', 'checkout_conversion', 'daily_metrics', 'more_events'],
      root: f.liveDir,
    });

    const bad = commitAndPush(
      other,
      remote.branch,
      {
        'mappings/more_events.ts': newMapping(readFileSync(join(other, 'mappings/app_events.ts'), 'utf8')).replace(
          "source: 'demo'",
          "source: 'nope'",
        ),
      },
      'break it',
    );
    await f.poll();
    expect(handler.applied).toHaveLength(2);
    expect(handler.rejectedCommits).toHaveLength(1);
    expect(handler.rejectedCommits[0].sha).toBe(bad);
    expect(handler.rejectedCommits[0].problems.join('\n')).toMatch(/mappings\/more_events\.ts.*nope/);
    expect(f.appliedCommit).toBe(added);
    expect(git(f.liveDir, 'rev-parse', 'HEAD')).toBe(added);

    // The agent's own status commits are not applied (nor reported) again.
    commitAndPush(other, remote.branch, { 'status/README.md': '# status\n' }, 'status: update');
    await f.poll();
    expect(handler.applied).toHaveLength(2);
    expect(handler.rejectedCommits).toHaveLength(1);
    await f.stop();

    // A restart runs the last good configuration, though the branch tip is still invalid.
    const restarted = new Recorder();
    const again = follower(remote, restarted);
    await again.start();
    expect(restarted.applied).toEqual([
      {
        sha: added,
        mappings: ['app_events', 'checkout_conversion', 'daily_metrics', 'more_events'],
        root: again.liveDir,
      },
    ]);
    // The refusal is shown again (not validated again: it is the same tip).
    expect(restarted.rejectedCommits).toEqual([handler.rejectedCommits[0]]);
    await again.stop();
  });

  it('refuses without another try a commit that a process twice ended while validating', async () => {
    remote = createRemote(exampleConfigFiles());
    const other = cloneRemote(remote, 'someone');
    const f = follower(remote, new Recorder());
    await f.start();
    await f.stop();
    const first = f.appliedCommit;
    const next = commitAndPush(
      other,
      remote.branch,
      { 'mappings/more_events.ts': newMapping(readFileSync(join(other, 'mappings/app_events.ts'), 'utf8')) },
      'add',
    );
    // As two earlier starts left it: each began validating `next` and was killed.
    const file = join(remote.root, 'agent', 'follower.json');
    writeFileSync(
      file,
      JSON.stringify({
        ...JSON.parse(readFileSync(file, 'utf8')),
        validating: { sha: next, attempts: MAX_VALIDATION_ATTEMPTS },
      }),
    );
    const handler = new Recorder();
    const again = follower(remote, handler);
    await again.start();
    expect(again.appliedCommit).toBe(first);
    expect(handler.rejectedCommits).toEqual([
      { sha: next, problems: [expect.stringContaining('stopped 2 times while validating this commit')] },
    ]);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      seen: next,
      validating: null,
      rejected: { sha: next },
    });
    await again.stop();
  });

  it('loads a commit again on the next fetch when the config loader thread does not start, never refusing it', async () => {
    remote = createRemote(exampleConfigFiles());
    const handler = new Recorder();
    const log = warnings();
    const workdir = join(remote.root, 'agent');
    // Read at each load: the worker first never starts, then ends before its first message only
    // for the live checkout (the second load of a commit, where the stalls were seen), then
    // starts normally.
    const loadOptions: Omit<LoadOptions, 'signal'> = {
      limits: { ...DEFAULT_LIMITS, startMs: 1_000 },
      workerEntry: stuckConfigWorker('silent'),
    };
    const f = follower(remote, handler, { loadOptions, log });
    const state = () => JSON.parse(readFileSync(join(workdir, 'follower.json'), 'utf8')) as Record<string, unknown>;
    const tip = git(remote.remote, 'rev-parse', remote.branch);

    await f.start();
    expect(log.lines.map((l) => [l.msg, l.fields.sha, l.fields.code])).toEqual([
      ['the commit could not be loaded this time; trying again on the next fetch', tip, 'config.loader-start-timeout'],
    ]);
    // Neither refused nor counted as an attempt (the count is for processes that died validating).
    expect(state()).toMatchObject({ applied: null, seen: null, validating: null });

    loadOptions.limits = DEFAULT_LIMITS;
    loadOptions.workerEntry = stuckConfigWorker('exits', join(workdir, 'repo'));
    await f.poll();
    expect(log.lines.map((l) => [l.fields.sha, l.fields.code])).toEqual([
      [tip, 'config.loader-start-timeout'],
      [tip, 'config.loader-start-failed'],
    ]);
    expect(state()).toMatchObject({ applied: null, seen: null, validating: null });

    delete loadOptions.workerEntry;
    await f.poll();
    expect(handler.rejectedCommits).toEqual([]);
    expect(handler.applied.map((a) => a.sha)).toEqual([tip]);
    expect(state()).toMatchObject({ applied: tip, seen: tip, validating: null });
    await f.stop();
  });

  it('reports a commit whose apply failed and keeps the previous one in effect', async () => {
    remote = createRemote(exampleConfigFiles());
    const other = cloneRemote(remote, 'someone');
    const handler = new Recorder();
    const f = follower(remote, handler);
    await f.start();
    const first = f.appliedCommit;
    handler.failApply = true;
    const next = commitAndPush(
      other,
      remote.branch,
      { 'mappings/more_events.ts': newMapping(readFileSync(join(other, 'mappings/app_events.ts'), 'utf8')) },
      'add',
    );
    await f.poll();
    expect(f.appliedCommit).toBe(first);
    expect(handler.rejectedCommits).toEqual([
      { sha: next, problems: ['Applying the commit failed: the state is locked'] },
    ]);
    await f.stop();
  });
});
