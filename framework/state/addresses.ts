/**
 * The applied state seen as Terraform-style addresses: every mapping (`mapping.daily_metrics`),
 * and every source (`source.demo`) and schedule (`schedule.daily_9am`) an applied mapping uses.
 * The state records each mapping with its source and schedule folded in, so a source or
 * schedule is read from the mapping that recorded it last (the highest applied serial).
 */
import { WharfError } from '../diagnostics/errors.js';
import type { AppliedIngestion, AppliedState } from './types.js';
import { compareText } from '../util/text-order.js';

export type ResourceType = 'mapping' | 'source' | 'schedule';

export const RESOURCE_TYPES: readonly ResourceType[] = ['mapping', 'source', 'schedule'];

/** One addressable thing in the applied state. */
export interface StateResource {
  address: string;
  type: ResourceType;
  name: string;
  /** The recorded attributes (secrets only as references). */
  attributes: Record<string, unknown>;
  /** Mappings only: hash of the recorded config and the serial of the apply that wrote it. */
  hash?: string;
  appliedSerial?: number;
  /** Sources and schedules: the mappings that use it, by address. */
  usedBy?: string[];
}

/** Every resource of the state, mappings first, then sources, then schedules, each by name. */
export function stateResources(state: AppliedState): StateResource[] {
  const ingestions = Object.values(state.ingestions).sort((a, b) => compareText(a.name, b.name));
  const mappings = ingestions.map(mappingResource);
  return [...mappings, ...shared(ingestions, 'source'), ...shared(ingestions, 'schedule')];
}

/** The resource at an address; an unknown or malformed address is an error listing the known ones. */
export function findResource(state: AppliedState, address: string): StateResource {
  const resources = stateResources(state);
  const found = resources.find((r) => r.address === address);
  if (found) return found;
  const type = address.split('.')[0];
  const wellFormed = RESOURCE_TYPES.includes(type as ResourceType) && /^[a-z]+\.[a-z][a-z0-9_]*$/.test(address);
  const known = resources.map((r) => r.address);
  const close = known.filter((k) => similar(k, address));
  throw new WharfError(
    wellFormed
      ? `No ${address} in the applied state.`
      : `'${address}' is not a state address: use mapping.<name>, source.<name> or schedule.<name>.`,
    {
      code: 'state.unknown-address',
      errorClass: 'config',
      hint: close.length
        ? `Did you mean ${close.join(' or ')}?`
        : known.length
          ? `The state holds: ${known.join(', ')}. Run \`ingest state list\`.`
          : 'The state is empty: nothing has been applied yet (run `ingest apply`).',
    },
  );
}

function mappingResource(i: AppliedIngestion): StateResource {
  const { mapping, sqlFile, sqlText } = i.config;
  return {
    address: `mapping.${i.name}`,
    type: 'mapping',
    name: i.name,
    attributes: { ...mapping, sqlFile, sqlText },
    hash: i.hash,
    appliedSerial: i.appliedSerial,
  };
}

function shared(ingestions: AppliedIngestion[], type: 'source' | 'schedule'): StateResource[] {
  const byName = new Map<string, { latest: AppliedIngestion; users: string[] }>();
  for (const i of ingestions) {
    const name = i.config.mapping[type];
    const entry = byName.get(name);
    if (!entry) byName.set(name, { latest: i, users: [`mapping.${i.name}`] });
    else {
      entry.users.push(`mapping.${i.name}`);
      if (i.appliedSerial > entry.latest.appliedSerial) entry.latest = i;
    }
  }
  return [...byName.keys()].sort().map((name) => {
    const { latest, users } = byName.get(name) as { latest: AppliedIngestion; users: string[] };
    return {
      address: `${type}.${name}`,
      type,
      name,
      attributes: { ...latest.config[type] } as Record<string, unknown>,
      usedBy: users,
    };
  });
}

/** Same type and names within two edits of each other. */
function similar(known: string, typed: string): boolean {
  return known !== typed && editDistance(known, typed) <= 2;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}
