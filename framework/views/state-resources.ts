/**
 * `ingest state list` and `ingest state show` for people and as JSON. The JSON shapes are
 * versioned by `formatVersion` (docs/plan.md, "State addresses").
 */
import type { StateResource } from '../state/addresses.js';
import type { AppliedState } from '../state/types.js';

/** Bumped on any incompatible change to the `state list` / `state show` JSON. */
export const STATE_RESOURCES_FORMAT_VERSION = 1;

/** One address per line, or a sentence when nothing is applied. */
export function renderStateList(resources: StateResource[]): string {
  if (resources.length === 0) return 'The state is empty: nothing has been applied yet (run `ingest apply`).';
  return resources.map((r) => r.address).join('\n');
}

export function stateListJson(state: AppliedState, resources: StateResource[]) {
  return {
    formatVersion: STATE_RESOURCES_FORMAT_VERSION,
    serial: state.serial,
    lineage: state.lineage,
    resources: resources.map(({ address, type, name }) => ({ address, type, name })),
  };
}

/** Terraform-style: a `# address` header, then `key = value` lines, nested objects indented. */
export function renderStateShow(r: StateResource): string {
  const lines = [`# ${r.address}`];
  if (r.hash) lines.push(`# applied at serial ${r.appliedSerial}, ${r.hash}`);
  if (r.usedBy) lines.push(`# used by ${r.usedBy.join(', ')}`);
  lines.push(...attributeLines(r.attributes, ''));
  return lines.join('\n');
}

export function stateShowJson(state: AppliedState, r: StateResource) {
  return { formatVersion: STATE_RESOURCES_FORMAT_VERSION, serial: state.serial, lineage: state.lineage, ...r };
}

function attributeLines(value: Record<string, unknown>, indent: string): string[] {
  const keys = Object.keys(value)
    .filter((k) => value[k] !== undefined)
    .sort();
  const width = Math.max(0, ...keys.map((k) => k.length));
  return keys.flatMap((key) => {
    const member = value[key];
    if (member && typeof member === 'object' && !Array.isArray(member))
      return [`${indent}${key} {`, ...attributeLines(member as Record<string, unknown>, `${indent}  `), `${indent}}`];
    if (typeof member === 'string' && member.includes('\n'))
      return [`${indent}${key.padEnd(width)} = <<EOT`, ...member.replace(/\n$/, '').split('\n'), 'EOT'];
    return [`${indent}${key.padEnd(width)} = ${JSON.stringify(member)}`];
  });
}
