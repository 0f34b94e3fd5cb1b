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
import type { LoadedProject } from '../../config/project.js';
import { GitFollower, MAX_VALIDATION_ATTEMPTS, type CommitHandler } from './follower.js';

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

function follower(r: TempRemote, handler: CommitHandler) {
  return new GitFollower({
    remote: r.remote,
    branch: r.branch,
    workdir: join(r.root, 'agent'),
    handler,
    fetchIntervalMs: 3_600_000,
  });
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
