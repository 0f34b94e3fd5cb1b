/**
 * The command line of an `ingest agent` process that follows a test remote: the built CLI,
 * the remote's branch, a work folder inside the remote's temp folder, a loopback port, no
 * status pushes and one JSON object per log line (so tests can read the log by fields).
 */
import { join } from 'node:path';
import { REPO_ROOT } from './example-project.js';
import type { TempRemote } from './git-remote.js';

/** Arguments for `node`: the CLI, `agent` and its flags, then `extra` flags. */
export function agentArgs(remote: TempRemote, port: number, extra: string[] = []): string[] {
  return [
    join(REPO_ROOT, 'framework/bin/run.js'),
    'agent',
    '--repo',
    remote.remote,
    '--branch',
    remote.branch,
    '--workdir',
    join(remote.root, 'agent'),
    '--port',
    String(port),
    '--no-status-push',
    '--log-format',
    'json',
    ...extra,
  ];
}
