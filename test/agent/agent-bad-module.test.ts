/**
 * `ingest agent` following a repository that gets commits with config modules that hang or
 * call process.exit: the agent keeps serving on the last good configuration, records each bad
 * commit as refused, stops on SIGTERM, and after a restart shows the refusal again without
 * validating the bad commit once more; SIGTERM during a hanging validation stops it.
 */
import { agentArgs } from '../support/agent-process.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { midDayZone, withTimeZone } from '../support/mid-day-zone.js';
import {
  cloneRemote,
  commitAndPush,
  createRemote,
  exampleConfigFiles,
  git,
  type TempRemote,
} from '../support/git-remote.js';
import { until as waitUntil } from '../support/until.js';

// A zone in which the day cannot end during the run (see mid-day-zone.ts).
const zone = midDayZone();
const latest = zone.latest;
let remote: TempRemote;
const children: ChildProcess[] = [];
let log = '';

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  remote?.cleanup();
});

// The limit refuses the hanging modules; it must also let the good ones load on a busy machine,
// where importing wharf.config.ts has taken more than 2 s.
function startAgent(port: number, moduleTimeout = '6s'): ChildProcess {
  const child = spawn(process.execPath, agentArgs(remote, port, ['--fetch-interval', '1s', '--log-level', 'debug']), {
    env: { ...process.env, WHARF_API_KEYS: 'bad-module-test-key', WHARF_CONFIG_MODULE_TIMEOUT: moduleTimeout },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  children.push(child);
  return child;
}

interface Health {
  appliedCommit: string | null;
  rejectedCommit: string | null;
}
async function health(port: number): Promise<Health | null> {
  try {
    return (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as Health;
  } catch {
    return null;
  }
}

/** The agent's log without the lines of each poll (health checks, fetches), which would crowd out the rest. */
const logTail = () =>
  log
    .split('\n')
    .filter((line) => !line.includes('"/healthz"') && !line.includes('"branch tip already handled"'))
    .join('\n')
    .slice(-3000);

function until<T>(what: string, probe: () => Promise<T | null | false>, limitMs = 60_000): Promise<T> {
  return waitUntil(what, probe, { limitMs, everyMs: 100, detail: () => `the agent's log:\n${logTail()}` });
}

/** Whether the log has a line of the Git follower with this message about this commit. */
function logged(msg: string, sha: string): boolean {
  return log.split('\n').some((line) => {
    try {
      const r = JSON.parse(line) as Record<string, unknown>;
      return r.msg === msg && r.component === 'git' && r.sha === sha;
    } catch {
      return false;
    }
  });
}

/**
 * How the agent ended: 'exit 0' when it stopped gracefully; otherwise its code or signal, or
 * that it is still running 30 s on, with its log.
 */
const ended = (c: ChildProcess) =>
  new Promise<string>((resolve) => {
    const outcome = () =>
      c.exitCode === 0 ? 'exit 0' : `exit ${c.exitCode}, signal ${c.signalCode}; the agent's log:\n${logTail()}`;
    if (c.exitCode !== null || c.signalCode !== null) return resolve(outcome());
    const late = setTimeout(() => resolve(`still running 30 s after SIGTERM; the agent's log:\n${logTail()}`), 30_000);
    c.once('exit', () => {
      clearTimeout(late);
      resolve(outcome());
    });
  });

describe('ingest agent with a config module that hangs or exits', () => {
  it(
    'keeps serving on the last good commit, refuses the bad ones, stops on SIGTERM and does not retry them after a restart',
    { timeout: 120_000 },
    async () => {
      const files = exampleConfigFiles();
      files['wharf.config.ts'] = withTimeZone(files['wharf.config.ts'], zone.timeZone);
      for (const path of Object.keys(files))
        if (path.startsWith('mappings/') && path.endsWith('.ts'))
          files[path] = files[path].replace(/startDate: '[^']+'/, `startDate: '${latest}'`);
      remote = createRemote(files);
      const good = git(remote.remote, 'rev-parse', remote.branch);
      const other = cloneRemote(remote, 'someone');
      const port = 20000 + Math.floor(Math.random() * 2000);
      const agent = startAgent(port);
      await until('the first commit applied', async () => (await health(port))?.appliedCommit === good);

      const hang = commitAndPush(
        other,
        remote.branch,
        { 'mappings/hang.ts': 'while (true) {}\n' },
        'a module that never ends',
      );
      const afterHang = await until('the hanging commit refused', async () => {
        const h = await health(port);
        return h?.rejectedCommit === hang ? h : null;
      });
      expect(afterHang.appliedCommit).toBe(good);

      const exits = commitAndPush(
        other,
        remote.branch,
        { 'mappings/hang.ts': null, 'mappings/exit.ts': 'process.exit(0);\n' },
        'a module that exits',
      );
      const afterExit = await until('the exiting commit refused', async () => {
        const h = await health(port);
        return h?.rejectedCommit === exits ? h : null;
      });
      expect(afterExit.appliedCommit).toBe(good);
      const status = (await (
        await fetch(`http://127.0.0.1:${port}/v1/status`, { headers: { authorization: 'Bearer bad-module-test-key' } })
      ).json()) as { rejectedCommit: { problems: string[] } };
      expect(status.rejectedCommit.problems.join('\n')).toContain(
        'mappings/exit.ts: The module ended the process while loading (process.exit(0))',
      );
      expect(log).toContain('mappings/hang.ts: The module did not finish loading within 6 s');

      agent.kill('SIGTERM');
      expect(await ended(agent)).toBe('exit 0');

      log = '';
      const again = startAgent(port);
      const restarted = await until('the agent back', async () => {
        const h = await health(port);
        return h?.appliedCommit === good ? h : null;
      });
      expect(restarted.rejectedCommit).toBe(exits);
      // The follower fetched the refused tip and did not validate it again.
      await until('a fetch after the restart', async () => logged('branch tip already handled', exits));
      expect(log).not.toContain('"new commit"');
      again.kill('SIGTERM');
      expect(await ended(again)).toBe('exit 0');

      // SIGTERM while a module hangs during start-up: the validation is cancelled, not awaited
      // (with a 10-minute module limit, waiting for it would outlast this test).
      const hangsAgain = commitAndPush(
        other,
        remote.branch,
        { 'mappings/exit.ts': null, 'mappings/spin.ts': 'for (;;) {}\n' },
        'another module that never ends',
      );
      log = '';
      const third = startAgent(port, '10m');
      await until('the validation of the hanging commit', async () => logged('new commit', hangsAgain));
      third.kill('SIGTERM');
      expect(await ended(third)).toBe('exit 0');
    },
  );
});
