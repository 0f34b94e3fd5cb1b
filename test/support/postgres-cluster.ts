/**
 * A throwaway PostgreSQL 15 cluster for tests: initdb into a temporary folder, trust auth,
 * listening on 127.0.0.1 only, removed afterwards. Used when WHARF_TEST_PG_URL is not set.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PG_BIN = process.env.WHARF_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface PostgresCluster {
  url: string;
  stop(): Promise<void>;
}

export function postgresAvailable(): boolean {
  return existsSync(join(PG_BIN, 'postgres')) && existsSync(join(PG_BIN, 'initdb'));
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Runs a PostgreSQL binary, as the postgres user when we are root (the server refuses root). */
function asPostgres(binary: string, args: string[]): { command: string; args: string[] } {
  const path = join(PG_BIN, binary);
  return process.getuid?.() === 0
    ? { command: 'runuser', args: ['-u', 'postgres', '--', path, ...args] }
    : { command: path, args };
}

export async function startPostgresCluster(): Promise<PostgresCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const init = asPostgres('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '--encoding=UTF8',
    '--locale=C',
    '--no-sync',
  ]);
  execFileSync(init.command, init.args, { stdio: 'pipe' });
  const port = await freePort();
  const options = `-p ${port} -h 127.0.0.1 -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  const start = asPostgres('pg_ctl', [
    '-D',
    data,
    '-o',
    options,
    '-l',
    join(dir, 'server.log'),
    '-w',
    '-t',
    '60',
    'start',
  ]);
  execFileSync(start.command, start.args, { stdio: 'pipe' });
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const stopNow = () => {
    const stop = asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    try {
      execFileSync(stop.command, stop.args, { stdio: 'pipe' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  // A run that ends without its teardown (vitest exiting on an unhandled error) stops the
  // cluster on its way out: one left running, its autovacuum going over the run's 147
  // databases, slowed the runs after it (a clean-clone .ci/run took 949 s, 849 s once stopped).
  const stopOnExit = () => {
    try {
      stopNow();
    } catch {
      // Exiting anyway; the folder is gone and the server was told to stop.
    }
  };
  process.once('exit', stopOnExit);
  return {
    url,
    async stop() {
      process.off('exit', stopOnExit);
      stopNow();
    },
  };
}
