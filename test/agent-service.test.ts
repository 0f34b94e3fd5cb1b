/**
 * The agent as a service, as the Dockerfile and the systemd unit that `ingest init` writes run
 * it. No container engine runs here, so the test does the image's steps in a clean folder: the
 * install folder gets package.json and node_modules (linked to this repository's framework, where
 * the image runs `npm ci`), and the image's own ENTRYPOINT and HEALTHCHECK commands are run with
 * its environment against a new project pushed to a local bare Git remote. SIGTERM must stop the
 * agent cleanly after it pushed its status report.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInvocation } from './support/ingest-invocations.js';
import { git } from './support/git-remote.js';
import { REPO_ROOT } from './support/example-project.js';

const INSTALL_DIR_IN_IMAGE = '/opt/wharf';

let temp: string;
let project: string;
let remote: string;
let install: string;
let agent: ChildProcess | undefined;

/** Reads one Dockerfile instruction (continuation lines joined). */
function instruction(dockerfile: string, name: string): string {
  const joined = dockerfile.replace(/\\\n\s*/g, ' ');
  const line = joined.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`Dockerfile has no ${name}`);
  return line.slice(name.length + 1).trim();
}

/** `ENV A=1 B=2` as an object. */
function dockerEnv(dockerfile: string): Record<string, string> {
  return Object.fromEntries(
    instruction(dockerfile, 'ENV')
      .split(/\s+/)
      .map((pair) => pair.split('=') as [string, string]),
  );
}

/** The words after `ingest` of a start command, for the flag checker. */
function ingestWords(command: string): string[] {
  const words = command.split(/\s+/);
  return words.slice(words.findIndex((w) => w.endsWith('/ingest')) + 1).map((w) => w.replace(/^"|"$/g, ''));
}

beforeAll(() => {
  temp = mkdtempSync(join(tmpdir(), 'wharf-agent-service-'));
  expect(
    spawnSync(process.execPath, [join(REPO_ROOT, 'framework/bin/run.js'), 'init', 'analytics'], {
      cwd: temp,
      encoding: 'utf8',
    }).status,
  ).toBe(0);
  project = join(temp, 'analytics');
  // The user's repository, pushed to a bare remote the agent follows.
  remote = join(temp, 'remote.git');
  mkdirSync(remote);
  git(remote, 'init', '--bare', '-q', '-b', 'main');
  git(project, 'init', '-q', '-b', 'main');
  git(project, 'add', '-A');
  git(project, 'commit', '-q', '-m', 'ingest init');
  git(project, 'remote', 'add', 'origin', remote);
  git(project, 'push', '-q', 'origin', 'main');
});

afterAll(() => {
  if (agent && agent.exitCode === null) agent.kill('SIGKILL');
});

describe('the Dockerfile', () => {
  const dockerfile = () => readFileSync(join(project, 'Dockerfile'), 'utf8');

  it('puts only package.json and package-lock.json into the image, and installs without dev dependencies', () => {
    expect(instruction(dockerfile(), 'COPY')).toBe('package.json package-lock.json ./');
    expect(
      readFileSync(join(project, '.dockerignore'), 'utf8')
        .split('\n')
        .filter((l) => l && !l.startsWith('#')),
    ).toEqual(['*', '!package.json', '!package-lock.json']);
    expect(dockerfile()).toContain('RUN npm ci --omit=dev');
  });

  it('starts the agent with flags that exist', () => {
    const [, , command] = JSON.parse(instruction(dockerfile(), 'ENTRYPOINT')) as string[];
    expect(checkInvocation({ words: ingestWords(command), where: 'Dockerfile ENTRYPOINT' })).toEqual([]);
  });

  it('runs: the agent applies the pushed project, answers its health check, and stops on SIGTERM after pushing status', async () => {
    // The install step: what `npm ci --omit=dev` leaves in the image's /opt/wharf.
    install = join(temp, 'opt-wharf');
    mkdirSync(join(install, 'node_modules/@wharf'), { recursive: true });
    mkdirSync(join(install, 'node_modules/.bin'));
    copyFileSync(join(project, 'package.json'), join(install, 'package.json'));
    symlinkSync(join(REPO_ROOT, 'framework'), join(install, 'node_modules/@wharf/framework'));
    symlinkSync('../@wharf/framework/bin/run.js', join(install, 'node_modules/.bin/ingest'));

    // The start step: the image's ENTRYPOINT with its environment, in the install folder.
    const [shell, flag, command] = JSON.parse(instruction(dockerfile(), 'ENTRYPOINT')) as string[];
    const env = {
      ...process.env,
      ...dockerEnv(dockerfile()),
      WHARF_REPO: remote,
      WHARF_WORKDIR: join(temp, 'var-lib-wharf'),
      WHARF_HOST: '127.0.0.1',
      WHARF_PORT: '0',
      WHARF_API_KEYS: 'service-test-key',
    };
    agent = spawn(shell, [flag, command.replaceAll(INSTALL_DIR_IN_IMAGE, install)], {
      cwd: install,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const logs: Array<Record<string, unknown>> = [];
    const exited = new Promise<number | null>((done) => agent!.on('exit', (code) => done(code)));
    const logged = (msg: string) =>
      new Promise<Record<string, unknown>>((done, fail) => {
        const seen = () => logs.find((l) => l.msg === msg);
        const check = () => {
          const line = seen();
          if (line) done(line);
        };
        agent!.stderr!.on('data', check);
        void exited.then((code) =>
          fail(new Error(`agent exited (${code}) before logging "${msg}": ${JSON.stringify(logs.slice(-5))}`)),
        );
        check();
      });
    let buffered = '';
    agent.stderr!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
    });

    const listening = await logged('agent listening');
    const port = String(listening.port);
    await logged('plan applied');

    const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as {
      ok: boolean;
      appliedCommit: string;
    };
    expect(health).toMatchObject({ ok: true, appliedCommit: git(remote, 'rev-parse', 'main') });
    // The image's HEALTHCHECK command, as Docker runs it inside the container.
    const healthcheck = instruction(dockerfile(), 'HEALTHCHECK').replace(/^.*?CMD /, '');
    expect(spawnSync('sh', ['-c', healthcheck], { env: { ...process.env, WHARF_PORT: port } }).status).toBe(0);

    agent.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(logs.map((l) => l.msg)).toContain('agent stopped');
    expect(git(remote, 'log', '-1', '--format=%an', 'main')).toBe('wharf-agent');
    expect(git(remote, 'show', '--name-only', '--format=', 'main').split('\n')).toContain('status/state.json');
  });
});

describe('the systemd unit', () => {
  const unit = () => readFileSync(join(project, 'deploy/wharf-agent.service'), 'utf8');

  it('starts the same command as the image, with flags that exist', () => {
    const execStart = unit()
      .split('\n')
      .find((l) => l.startsWith('ExecStart='))!
      .slice('ExecStart='.length);
    const [, , command] = JSON.parse(
      instruction(readFileSync(join(project, 'Dockerfile'), 'utf8'), 'ENTRYPOINT'),
    ) as string[];
    const normalize = (words: string[]) =>
      words
        .map((w) => w.replace(/\$\{?(\w+)\}?/g, '$$$1'))
        .filter((w) => !w.startsWith('$WHARF_WORKDIR') && w !== '/var/lib/wharf');
    expect(normalize(ingestWords(execStart))).toEqual(normalize(ingestWords(command)));
    expect(checkInvocation({ words: ingestWords(execStart), where: 'wharf-agent.service' })).toEqual([]);
  });

  it('passes systemd-analyze verify', () => {
    const which = spawnSync('sh', ['-c', 'command -v systemd-analyze']);
    if (which.status !== 0) return; // systemd is not on every machine; the unit is still read above.
    // The unit names the install folder /opt/wharf; point it at a real one for the check.
    const dir = mkdtempSync(join(tmpdir(), 'wharf-unit-'));
    writeFileSync(join(dir, 'wharf-agent.service'), unit().replaceAll(INSTALL_DIR_IN_IMAGE, install));
    const r = spawnSync('systemd-analyze', ['verify', join(dir, 'wharf-agent.service')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
