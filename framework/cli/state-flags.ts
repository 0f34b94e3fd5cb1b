/** Flag parsing shared by the state commands (plan, apply, state export). */
import { WharfError } from '../diagnostics/errors.js';
import { parseDuration } from '../util/time.js';

/** `--lock-timeout` (`0s`, `30s`, `5m`) in milliseconds, with an error naming the flag. */
export function lockTimeoutMs(value: string): number {
  try {
    return parseDuration(value);
  } catch {
    throw new WharfError(`--lock-timeout ${value} is not a duration.`, {
      code: 'cli.lock-timeout',
      errorClass: 'config',
      hint: 'Use seconds, minutes or hours, e.g. 30s, 5m, 1h.',
    });
  }
}

/** The GitHub Actions run's page, when running in one: where the full plan can be read. */
export function githubRunUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: run } = env;
  return server && repo && run ? `${server}/${repo}/actions/runs/${run}` : undefined;
}
