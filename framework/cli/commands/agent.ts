import { resolve } from 'node:path';
import { Command, Flags } from '@oclif/core';
import { Agent } from '../../agent/daemon.js';
import { DEFAULT_FETCH_INTERVAL_MS } from '../../agent/git/follower.js';
import { WharfError } from '../../diagnostics/errors.js';
import { DEFAULT_MAX_REQUEST_DAYS } from '../../schedule/requests.js';
import { DEFAULT_STATUS_FLUSH_MS } from '../../status/publisher.js';
import { routeLibraryWarnings } from '../../util/library-warnings.js';
import { createLogger, defaultLogFormat, type LogLevel } from '../../util/log.js';
import { parseDuration } from '../../util/time.js';

export default class AgentCommand extends Command {
  static summary =
    'Run the agent: follow a repository branch, apply its commits, run the schedules, serve the API, commit status reports back.';
  static description =
    'A long-running process. It clones --repo into --workdir, applies every commit of --branch that validates (an invalid commit is reported and the previous configuration keeps running), runs the schedules on real time, serves mark_data_ready, backfill, status, health and metrics over HTTP (loopback by default), and pushes status/ reports. API keys come from WHARF_API_KEYS; the Git webhook secret from WHARF_GIT_WEBHOOK_SECRET. SIGTERM or SIGINT stops it gracefully. See docs/agent.md.';
  static examples = [
    'WHARF_API_KEYS=... <%= config.bin %> agent --repo git@github.com:acme/data-config.git --branch main --workdir /var/lib/wharf',
    '<%= config.bin %> agent --repo . --branch main --workdir .wharf/agent --port 8787',
  ];
  static flags = {
    repo: Flags.string({ description: 'Repository to follow: a URL or a local path.', required: true }),
    branch: Flags.string({ description: 'Branch to follow.', default: 'main' }),
    workdir: Flags.string({ description: "Folder for the agent's clones and state.", default: '.wharf/agent' }),
    host: Flags.string({ description: 'Address the HTTP API listens on (loopback by default).', default: '127.0.0.1' }),
    port: Flags.integer({ description: 'Port of the HTTP API.', default: 8787 }),
    'fetch-interval': Flags.string({
      description: 'How often to fetch the repository, e.g. 60s or 5m.',
      default: `${DEFAULT_FETCH_INTERVAL_MS / 1000}s`,
    }),
    'status-interval': Flags.string({
      description: 'Least time between two status commits, e.g. 60s.',
      default: `${DEFAULT_STATUS_FLUSH_MS / 1000}s`,
    }),
    'project-path': Flags.string({
      description: 'Folder of wharf.config.ts inside the repository (default: its root).',
    }),
    'bot-name': Flags.string({ description: 'Author name of status commits.', default: 'wharf-agent' }),
    'bot-email': Flags.string({
      description: 'Author e-mail of status commits.',
      default: 'wharf-agent@users.noreply.localhost',
    }),
    'no-status-push': Flags.boolean({ description: 'Do not commit status reports back.' }),
    'max-request-days': Flags.integer({
      description: 'Most days one API request (backfill range, mark_data_ready dates) may queue.',
      default: DEFAULT_MAX_REQUEST_DAYS,
      min: 1,
    }),
    'log-level': Flags.option({ options: ['debug', 'info', 'warn', 'error'] as const, default: 'info' })(),
    'log-format': Flags.option({
      options: ['json', 'pretty'] as const,
      description: 'Default: pretty on a terminal, JSON otherwise.',
    })(),
    json: Flags.boolean({
      description:
        'Log one JSON object per line (the same as --log-format json): the agent produces a log stream, not a result.',
      exclusive: ['log-format'],
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(AgentCommand);
    const log = createLogger({
      level: flags['log-level'] as LogLevel,
      format: flags.json ? 'json' : (flags['log-format'] ?? defaultLogFormat()),
    });
    // A library's own console output or Node warning would break the one-JSON-object-per-line stream.
    routeLibraryWarnings(log.child({ component: 'library' }));
    const repo = /^[\w+-]+:\/\/|^[\w.-]+@[\w.-]+:/.test(flags.repo) ? flags.repo : resolve(flags.repo);
    const agent = new Agent({
      repo,
      branch: flags.branch,
      workdir: resolve(flags.workdir),
      host: flags.host,
      port: flags.port,
      fetchIntervalMs: duration(flags['fetch-interval'], '--fetch-interval'),
      statusFlushMs: duration(flags['status-interval'], '--status-interval'),
      projectPath: flags['project-path'],
      identity: { name: flags['bot-name'], email: flags['bot-email'] },
      noStatusPush: flags['no-status-push'],
      log,
      maxRequestDays: flags['max-request-days'],
    });
    // Handlers first: a signal during start-up (a long first apply) still stops gracefully.
    const stopped = new Promise<void>((done) => {
      const stop = (signal: string) => {
        log.info('signal received', { signal });
        process.off('SIGTERM', onTerm);
        process.off('SIGINT', onInt);
        agent.interrupt();
        started
          .catch(() => undefined)
          .then(() => agent.stop())
          .then(done, (err) => {
            log.error('shutdown failed', { error: (err as Error).message });
            done();
          });
      };
      const onTerm = () => stop('SIGTERM');
      const onInt = () => stop('SIGINT');
      process.on('SIGTERM', onTerm);
      process.on('SIGINT', onInt);
    });
    const started = agent.start();
    await started;
    await stopped;
  }
}

function duration(text: string, flag: string): number {
  try {
    return parseDuration(text);
  } catch {
    throw new WharfError(`${flag} '${text}' is not a duration.`, {
      code: 'cli.duration',
      errorClass: 'config',
      hint: 'Use e.g. 30s, 5m or 1h.',
    });
  }
}
