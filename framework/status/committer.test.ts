import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  changedPaths,
  cloneRemote,
  commitAndPush,
  createRemote,
  git,
  type TempRemote,
} from '../../test/support/git-remote.js';
import { StatusCommitter } from './committer.js';

let remote: TempRemote;
afterEach(() => remote?.cleanup());

function report(day: string): Map<string, string> {
  return new Map([
    ['README.md', `# Ingestion status\n\nlatest ${day}\n`],
    [
      'app_events.json',
      JSON.stringify({ formatVersion: 1, ingestion: 'app_events', days: [{ date: day, status: 'succeeded' }] }) + '\n',
    ],
  ]);
}

function committer(r: TempRemote, extra: Partial<ConstructorParameters<typeof StatusCommitter>[0]> = {}) {
  return new StatusCommitter({
    remote: r.remote,
    branch: r.branch,
    dir: join(r.root, 'agent-status'),
    identity: { name: 'wharf-bot', email: 'bot@example.com' },
    ...extra,
  });
}

describe('StatusCommitter', () => {
  it('commits the report as the bot under status/ and pushes it; an unchanged report makes no commit', async () => {
    remote = createRemote({ 'wharf.config.ts': 'export default {}\n' });
    const c = committer(remote);
    const warnings: string[] = [];
    const warned = (w: Error & { code?: string }) => warnings.push(`${w.code ?? w.name}: ${w.message}`);
    process.on('warning', warned);
    const first = await c.publish(report('2024-01-01'));
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', warned);
    // The bot's identity and unsigned commits are passed as `-c` keys simple-git accepts without a warning.
    expect(warnings).toEqual([]);
    expect(first.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(git(remote.remote, 'rev-parse', remote.branch)).toBe(first.sha);
    expect(git(remote.remote, 'log', '-1', '--format=%an <%ae>|%s', first.sha!)).toBe(
      'wharf-bot <bot@example.com>|status: app_events 1 day (2024-01-01: 1 succeeded)',
    );
    expect(changedPaths(remote, first.sha!).sort()).toEqual(['status/README.md', 'status/app_events.json']);
    const again = await c.publish(report('2024-01-01'));
    expect(again.sha).toBeNull();
    expect(git(remote.remote, 'rev-list', '--count', remote.branch)).toBe('2');
  });

  it('removes report files of ingestions that are gone, and nothing else', async () => {
    remote = createRemote({ 'wharf.config.ts': 'x\n', 'status/old.json': '{}\n', 'status/keep.txt': 'not a report\n' });
    const result = await committer(remote).publish(report('2024-01-01'));
    expect(changedPaths(remote, result.sha!).sort()).toEqual([
      'status/README.md',
      'status/app_events.json',
      'status/old.json',
    ]);
    expect(git(remote.remote, 'show', `${remote.branch}:status/keep.txt`)).toBe('not a report');
    expect(result.message).toContain('old removed');
  });

  it('survives a foreign commit pushed while it is pushing: rebases, retries, keeps both, touches only status/', async () => {
    remote = createRemote({ 'wharf.config.ts': 'export default {}\n' });
    const other = cloneRemote(remote, 'someone');
    const c = committer(remote);
    await c.publish(report('2024-01-01'));
    // A pre-push hook in the agent's clone makes someone else push first, once: the agent's
    // push is then rejected as the remote moved.
    const hook = join(remote.root, 'agent-status', '.git', 'hooks', 'pre-push');
    const marker = join(remote.root, 'raced');
    writeFileSync(
      hook,
      `#!/bin/sh\n[ -e '${marker}' ] && exit 0\ntouch '${marker}'\ncd '${other}' && git pull -q --rebase origin ${remote.branch} && echo 'select 1' > mappings/new.sql 2>/dev/null || (mkdir -p mappings && echo 'select 1' > mappings/new.sql)\ncd '${other}' && git add -A && git -c user.name=else -c user.email=e@x commit -q -m foreign && git push -q origin ${remote.branch}\nexit 0\n`,
    );
    chmodSync(hook, 0o755);
    const result = await c.publish(report('2024-01-02'));
    expect(result.pushAttempts).toBe(2);
    const log = git(remote.remote, 'log', '--format=%s', remote.branch).split('\n');
    expect(log.slice(0, 2)).toEqual(['status: app_events 1 day (2024-01-02: 1 succeeded)', 'foreign']);
    expect(git(remote.remote, 'show', `${remote.branch}:mappings/new.sql`)).toBe('select 1');
    expect(changedPaths(remote, result.sha!).every((p) => p.startsWith('status/'))).toBe(true);
  });

  it('writes the report afresh when someone edited a status file meanwhile (rebase conflict)', async () => {
    remote = createRemote({ 'wharf.config.ts': 'export default {}\n' });
    const other = cloneRemote(remote, 'someone');
    const c = committer(remote);
    await c.publish(report('2024-01-01'));
    const hook = join(remote.root, 'agent-status', '.git', 'hooks', 'pre-push');
    const marker = join(remote.root, 'raced');
    writeFileSync(
      hook,
      `#!/bin/sh\n[ -e '${marker}' ] && exit 0\ntouch '${marker}'\ncd '${other}' && git pull -q --rebase origin ${remote.branch} && echo 'hand edit' > status/README.md && git add -A && git -c user.name=else -c user.email=e@x commit -q -m 'edit status by hand' && git push -q origin ${remote.branch}\nexit 0\n`,
    );
    chmodSync(hook, 0o755);
    const result = await c.publish(report('2024-01-02'));
    expect(result.pushAttempts).toBe(2);
    expect(git(remote.remote, 'show', `${remote.branch}:status/README.md`)).toBe(
      '# Ingestion status\n\nlatest 2024-01-02',
    );
    expect(git(remote.remote, 'log', '-2', '--format=%s', remote.branch).split('\n')[1]).toBe('edit status by hand');
  });

  it('refuses paths outside the status folder and a status folder outside the repository', async () => {
    remote = createRemote({ 'wharf.config.ts': 'x\n' });
    await expect(committer(remote).publish(new Map([['../wharf.config.ts', 'evil']]))).rejects.toThrow(
      /leaves the status folder/,
    );
    expect(() => committer(remote, { statusDir: '../x' })).toThrow(/inside the repository/);
    expect(git(remote.remote, 'rev-list', '--count', remote.branch)).toBe('1');
  });

  it('refuses to commit when its clone holds a change outside status/', async () => {
    remote = createRemote({ 'wharf.config.ts': 'x\n' });
    const c = committer(remote);
    await c.publish(report('2024-01-01'));
    const other = cloneRemote(remote, 'someone');
    commitAndPush(other, remote.branch, { 'notes.txt': 'hi' }, 'notes');
    // Stage a file outside status/ in the agent's clone after its reset: simulate a bug by a hook.
    const hook = join(remote.root, 'agent-status', '.git', 'hooks', 'post-checkout');
    writeFileSync(hook, `#!/bin/sh\necho tampered > wharf.config.ts && git add wharf.config.ts\n`);
    chmodSync(hook, 0o755);
    await expect(c.publish(report('2024-01-02'))).rejects.toThrow(/outside status\/: wharf.config.ts/);
    expect(readFileSync(join(other, 'wharf.config.ts'), 'utf8')).toBe('x\n');
    expect(git(remote.remote, 'log', '-1', '--format=%s', remote.branch)).toBe('notes');
  });
});
