/**
 * Sources and schedules as their own plan addresses. The state records each mapping with its
 * source and schedule folded in, so editing a schedule changes every mapping on it; the plan
 * shows that as one `schedule.<name>` change listing the mappings it affects, and each of
 * those mappings keeps only its own attributes (and `via`, so apply still records it).
 * A mapping that switches to another source or schedule keeps those attributes itself.
 */
import { hashOf } from '../util/canonical-json.js';
import type { NormalizedIngestion } from '../state/types.js';
import type { AttributeDiff, DataAction, MappingChange, SharedChange } from './types.js';
import { compareText } from '../util/text-order.js';

export type SharedType = 'source' | 'schedule';
const SHARED_TYPES: readonly SharedType[] = ['source', 'schedule'];

const NO_DATA: Record<SharedType, string> = {
  source:
    "no data action: a source's settings are assumed to point at the same data (ask for a backfill if they do not)",
  schedule: 'no data action: a schedule decides when days are loaded, not what they hold',
};

/** The shared type an attribute of an update belongs to, when the mapping keeps using the same one. */
export function sharedTypeOf(path: string, before: NormalizedIngestion, after: NormalizedIngestion): SharedType | null {
  const type = SHARED_TYPES.find((t) => path.startsWith(`${t}.`));
  return type && before.mapping[type] === after.mapping[type] ? type : null;
}

/** The source and schedule changes of a plan's mapping updates, grouped by address. */
export function sharedChanges(
  updates: {
    change: MappingChange;
    before: NormalizedIngestion;
    after: NormalizedIngestion;
    attributes: AttributeDiff[];
  }[],
): SharedChange[] {
  const groups = new Map<string, SharedChange>();
  for (const { change, before, after, attributes } of updates) {
    for (const a of attributes) {
      const type = sharedTypeOf(a.path, before, after);
      if (!type) continue;
      const name = after.mapping[type];
      const address = `${type}.${name}`;
      let group = groups.get(address);
      if (!group) {
        group = {
          address,
          type,
          name,
          action: 'update',
          reason: '',
          before: before[type],
          after: after[type],
          hash: hashOf(after[type]),
          attributes: [],
          affects: [],
          dataActions: [{ kind: 'none', reason: NO_DATA[type] } satisfies DataAction],
        };
        groups.set(address, group);
      }
      if (!group.affects.includes(change.address)) group.affects.push(change.address);
      const path = a.path.slice(type.length + 1);
      if (!group.attributes.some((g) => g.path === path)) group.attributes.push({ ...a, path });
    }
  }
  const out = [...groups.values()].sort(
    (x, y) => SHARED_TYPES.indexOf(x.type) - SHARED_TYPES.indexOf(y.type) || compareText(x.name, y.name),
  );
  for (const g of out) {
    g.attributes.sort((x, y) => compareText(x.path, y.path));
    g.affects.sort();
    g.reason = `changed: ${g.attributes.map((a) => a.path).join(', ')}; affects ${g.affects.length} mapping${g.affects.length === 1 ? '' : 's'}`;
  }
  return out;
}

/**
 * True for a mapping change that only follows source/schedule changes: recorded by apply, not counted or shown apart.
 */
export function followsOnly(c: { type: string; action: string; attributes: unknown[]; via?: string[] }): boolean {
  return c.type === 'mapping' && c.action === 'update' && c.attributes.length === 0 && (c.via?.length ?? 0) > 0;
}
