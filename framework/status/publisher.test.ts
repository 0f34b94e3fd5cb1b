import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRemote, git, type TempRemote } from '../../test/support/git-remote.js';
import { StatusCommitter, type PublishResult } from './committer.js';
import { StatusPublisher } from './publisher.js';

let remote: TempRemote;
afterEach(() => remote?.cleanup());

describe('StatusPublisher', () => {
  it('turns a 90-day backfill worth of requests into one commit per flush', async () => {
    remote = createRemote({ 'wharf.config.ts': 'x\n' });
    const committer = new StatusCommitter({
      remote: remote.remote,
      branch: remote.branch,
      dir: join(remote.root, 'agent-status'),
    });
    let loadedDays = 0;
    const publisher = new StatusPublisher({
      render: async () => new Map([['README.md', `${loadedDays} days loaded\n`]]),
      publish: (files) => committer.publish(files),
      flushIntervalMs: 3_600_000,
    });
    for (let day = 0; day < 90; day++) {
      loadedDays++;
      publisher.request();
    }
    const result = await publisher.close();
    expect(result?.sha).toBeTruthy();
    expect(git(remote.remote, 'rev-list', '--count', remote.branch)).toBe('2');
    expect(git(remote.remote, 'show', `${remote.branch}:status/README.md`)).toBe('90 days loaded');
    expect(await publisher.flush()).toBeNull();
  });

  it('flushes on its interval, and retries a failed push at the next one', async () => {
    let calls = 0;
    const published: PublishResult[] = [];
    let done: () => void = () => {};
    const finished = new Promise<void>((resolve) => (done = resolve));
    const publisher = new StatusPublisher({
      render: async () => new Map([['README.md', 'x']]),
      publish: async () => {
        calls++;
        if (calls === 1) throw new Error('remote unreachable');
        return { sha: 'abc', message: 'm', changedFiles: ['status/README.md'], pushAttempts: 1 };
      },
      flushIntervalMs: 5,
      onPublished: (r) => {
        published.push(r);
        done();
      },
    });
    publisher.request();
    await finished;
    expect(calls).toBe(2);
    expect(published).toHaveLength(1);
    await publisher.close();
  });
});
