/**
 * A real npm registry on 127.0.0.1 for install tests: Verdaccio, with its storage in a temp
 * folder and NO uplink, so nothing it serves comes from the internet.
 *
 * Third-party packages: Verdaccio is seeded with the metadata (packuments) of every package in
 * this repository's package-lock.json, each listing only the versions the lock file holds,
 * with the lock file's integrity. npm resolves the user's dependencies against that metadata
 * and takes each tarball from its own cache by integrity (`npm ci` in this repository put
 * them there), so it never downloads one; a tarball missing from the cache is a 404 from
 * Verdaccio, a loud failure rather than a trip to the internet. Our own packages (@wharf/*)
 * are published to it with `npm publish`, as a release would.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { runServer } from 'verdaccio';

export interface LocalRegistry {
  /** e.g. http://127.0.0.1:41234/ */
  url: string;
  /** A token that may publish (`//127.0.0.1:PORT/:_authToken=...`). */
  token: string;
  close(): Promise<void>;
}

interface LockEntry {
  version?: string;
  integrity?: string;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, unknown>;
  bin?: Record<string, string> | string;
  engines?: Record<string, string>;
  os?: string[];
  cpu?: string[];
  libc?: string[];
  license?: string;
}

/** Starts Verdaccio on a free loopback port, seeded from `lockfile`, storing under `storage`. */
export async function startLocalRegistry(storage: string, lockfile: string): Promise<LocalRegistry> {
  mkdirSync(storage, { recursive: true });
  const noProxy = { access: '$all', publish: '$authenticated', unpublish: '$authenticated' };
  const server = (await runServer({
    self_path: storage,
    storage,
    auth: { htpasswd: { file: join(storage, 'htpasswd'), max_users: 10 } },
    uplinks: {},
    packages: { '@*/*': noProxy, '**': noProxy },
    log: { type: 'stdout', format: 'pretty', level: 'fatal' },
    web: { enable: false },
    // Verdaccio's security defaults; runServer does not fill them in for an object config.
    security: { api: { legacy: true }, web: { sign: {}, verify: {} } },
  } as never)) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  seedFromLockfile(storage, lockfile, url);
  const token = await addUser(url);
  return {
    url,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes one packument per third-party package of the lock file into Verdaccio's storage. */
function seedFromLockfile(storage: string, lockfile: string, url: string): void {
  const lock = JSON.parse(readFileSync(lockfile, 'utf8')) as { packages: Record<string, LockEntry> };
  const byName = new Map<string, Map<string, LockEntry>>();
  for (const [path, entry] of Object.entries(lock.packages)) {
    const at = path.lastIndexOf('node_modules/');
    if (at < 0 || entry.link || !entry.version) continue;
    const name = path.slice(at + 'node_modules/'.length);
    if (name.startsWith('@wharf/')) continue;
    const versions = byName.get(name) ?? new Map<string, LockEntry>();
    versions.set(entry.version, entry);
    byName.set(name, versions);
  }
  for (const [name, versions] of byName) {
    const file = `${name.split('/').pop()}`;
    const manifests: Record<string, unknown> = {};
    for (const [version, e] of versions) {
      manifests[version] = {
        name,
        version,
        ...pick(e, [
          'dependencies',
          'optionalDependencies',
          'peerDependencies',
          'peerDependenciesMeta',
          'bin',
          'engines',
          'os',
          'cpu',
          'libc',
          'license',
        ]),
        _id: `${name}@${version}`,
        dist: { tarball: `${url}${name}/-/${file}-${version}.tgz`, ...(e.integrity ? { integrity: e.integrity } : {}) },
      };
    }
    const latest = [...versions.keys()].sort(compareVersions).at(-1)!;
    const dir = join(storage, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({
        name,
        versions: manifests,
        'dist-tags': { latest },
        time: {},
        _uplinks: {},
        _distfiles: {},
        _attachments: {},
        _rev: '1-seeded',
      }),
    );
  }
}

function pick(entry: LockEntry, keys: (keyof LockEntry)[]): Partial<LockEntry> {
  return Object.fromEntries(keys.filter((k) => entry[k] !== undefined).map((k) => [k, entry[k]]));
}

/** Orders x.y.z[-pre] versions (enough to pick a dist-tag; npm resolves ranges itself). */
function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const pb = b.split(/[.-]/).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === y) continue;
    if (x === undefined) return 1; // 1.0.0 sorts after 1.0.0-rc
    if (y === undefined) return -1;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x).localeCompare(String(y));
  }
  return 0;
}

/** Creates a publishing user through the registry's own API (what `npm adduser` does). */
async function addUser(url: string): Promise<string> {
  const name = 'wharf-release';
  const response = await fetch(`${url}-/user/org.couchdb.user:${name}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name,
      password: 'local-only-password',
      type: 'user',
      roles: [],
      date: new Date().toISOString(),
    }),
  });
  const body = (await response.json()) as { token?: string; error?: string };
  if (!response.ok || !body.token)
    throw new Error(`Creating the local registry user failed: ${response.status} ${JSON.stringify(body)}`);
  return body.token;
}
