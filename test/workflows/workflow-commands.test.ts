import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { checkInvocation, findInvocations, isCommand, type Invocation } from '../support/ingest-invocations.js';

const ROOT = join(import.meta.dirname, '..', '..');
const ACTION = '.github/actions/ingest/action.yml';

interface Step {
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}

function loadYaml(file: string): Record<string, unknown> {
  const doc = parseDocument(readFileSync(join(ROOT, file), 'utf8'));
  expect(doc.errors.map((e) => `${file}: ${e.message}`)).toEqual([]);
  return doc.toJS() as Record<string, unknown>;
}

// This repository's workflows and the ones `ingest init` gives a new project.
const TEMPLATE_GITHUB = 'framework/templates/project/_github';
const workflowFiles = ['.github', TEMPLATE_GITHUB].flatMap((base) =>
  readdirSync(join(ROOT, base, 'workflows'))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => `${base}/workflows/${f}`),
);
const actionFiles = ['.github', TEMPLATE_GITHUB].flatMap((base) =>
  readdirSync(join(ROOT, base, 'actions')).map((dir) => `${base}/actions/${dir}/action.yml`),
);

/** Every step of every job of a workflow, with a label for messages. */
function workflowSteps(file: string): Array<{ step: Step; where: string }> {
  const jobs = (loadYaml(file).jobs ?? {}) as Record<string, { steps?: Step[] }>;
  return Object.entries(jobs).flatMap(([job, def]) =>
    (def.steps ?? []).map((step, i) => ({ step, where: `${file} job ${job} step ${step.id ?? i + 1}` })),
  );
}

function actionSteps(file: string): Array<{ step: Step; where: string }> {
  const steps = ((loadYaml(file).runs as { steps?: Step[] }).steps ?? []) as Step[];
  return steps.map((step, i) => ({ step, where: `${file} step ${step.id ?? i + 1}` }));
}

/** Shell snippets of the GitHub guide's ```yaml, ```bash and ```sh blocks. */
function docInvocations(): Invocation[] {
  const file = 'docs/github.md';
  if (!existsSync(join(ROOT, file))) return [];
  const blocks = [...readFileSync(join(ROOT, file), 'utf8').matchAll(/```(yaml|yml|bash|sh|shell)\n([\s\S]*?)```/g)];
  return blocks.flatMap(([, , body], i) =>
    findInvocations(body.replace(/^\s*(?:- )?run: [|>]?/gm, ''), `${file} block ${i + 1}`),
  );
}

const allSteps = [...workflowFiles.flatMap(workflowSteps), ...actionFiles.flatMap(actionSteps)];
const invocations = [
  ...allSteps.flatMap(({ step, where }) => (step.run ? findInvocations(step.run, where) : [])),
  ...docInvocations(),
];
const ingestActionSteps = allSteps.filter(
  ({ step }) => step.uses === './.github/actions/ingest' || /\/\.github\/actions\/ingest@/.test(step.uses ?? ''),
);

describe('ingest commands used by the workflows, the action and the guide', () => {
  it('finds the invocations the GitHub integration depends on', () => {
    const used = new Set(invocations.map((inv) => inv.words[0]));
    for (const command of ['validate', 'plan', 'apply', 'comment', 'job-summary']) expect(used).toContain(command);
    expect(docInvocations().length).toBeGreaterThanOrEqual(3);
  });

  it('uses only commands and flags that exist in the command registry', () => {
    expect(invocations.flatMap(checkInvocation)).toEqual([]);
  });

  it('catches a command or flag that does not exist', () => {
    expect(checkInvocation({ words: ['validate', '--bogus'], where: 'x' })).toEqual([
      'ingest validate --bogus (x): "ingest validate" has no flag --bogus',
    ]);
    expect(checkInvocation({ words: ['comment', '-z'], where: 'x' })).toHaveLength(1);
    expect(checkInvocation({ words: ['state', 'export', '--json'], where: 'x' })).toEqual([]);
    expect(checkInvocation({ words: ['state', 'export', '--bogus'], where: 'x' })).toEqual([
      'ingest state export --bogus (x): "ingest state:export" has no flag --bogus',
    ]);
    expect(checkInvocation({ words: ['nosuch'], where: 'x' })[0]).toContain('"nosuch" is not an ingest command');
    expect(checkInvocation({ words: ['comment', '--file', 'p.md', '--json', '-p', '.'], where: 'x' })).toEqual([]);
    const [inv] = findInvocations('out=$(npx ingest job-summary --file "a b.md" --wrong) # ingest nothing', 'y');
    expect(inv.words).toEqual(['job-summary', '--file', 'a b.md', '--wrong']);
  });
});

describe('steps that use the ingest action', () => {
  const action = loadYaml(ACTION) as {
    inputs: Record<string, { required?: boolean; default?: unknown }>;
    outputs: Record<string, unknown>;
  };

  it('exist in the workflows', () => {
    expect(ingestActionSteps.length).toBeGreaterThanOrEqual(3);
  });

  it('pass only inputs the action declares, and commands that exist', () => {
    const problems = ingestActionSteps.flatMap(({ step, where }) => {
      const unknownInputs = Object.keys(step.with ?? {}).filter((name) => !(name in action.inputs));
      const command = String(step.with?.command ?? action.inputs.command.default);
      return [
        ...unknownInputs.map((name) => `${where}: unknown input "${name}"`),
        ...(isCommand(command) ? [] : [`${where}: command "${command}" does not exist`]),
      ];
    });
    expect(problems).toEqual([]);
  });

  it('read only outputs the action declares', () => {
    const ids = new Set(ingestActionSteps.map(({ step }) => step.id).filter(Boolean));
    const text = workflowFiles.map((f) => readFileSync(join(ROOT, f), 'utf8')).join('\n');
    const read = [...text.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)]
      .filter(([, id]) => ids.has(id))
      .map(([, , output]) => output);
    expect(read.length).toBeGreaterThan(0);
    expect(read.filter((output) => !(output in action.outputs))).toEqual([]);
  });
});

describe('the workflows a new project gets', () => {
  it('are the ones this repository runs (plan, apply and the action are the same files)', () => {
    for (const file of ['workflows/plan.yml', 'workflows/apply.yml', 'actions/ingest/action.yml']) {
      expect(readFileSync(join(ROOT, '.github', file), 'utf8'), file).toBe(
        readFileSync(join(ROOT, TEMPLATE_GITHUB, file), 'utf8'),
      );
    }
  });

  it('are not started by status commits, and run only scripts `ingest init` writes', () => {
    const scripts = Object.keys(
      (
        JSON.parse(readFileSync(join(ROOT, 'framework/templates/project/package.json.tmpl'), 'utf8')) as {
          scripts: Record<string, string>;
        }
      ).scripts,
    );
    for (const file of workflowFiles.filter((f) => f.startsWith(TEMPLATE_GITHUB))) {
      const on = loadYaml(file).on as Record<string, { paths?: string[]; 'paths-ignore'?: string[] } | null>;
      for (const [event, filter] of Object.entries(on).filter(([e]) => e === 'push' || e === 'pull_request')) {
        const listed = filter?.paths
          ? filter.paths.some((p) => p.startsWith('status') || p === '**')
          : !filter?.['paths-ignore']?.includes('status/**');
        expect(listed, `${file} on.${event} would run on status/ commits`).toBe(false);
      }
      const used = [...readFileSync(join(ROOT, file), 'utf8').matchAll(/npm run ([\w:-]+)/g)].map(([, name]) => name);
      expect(
        used.filter((name) => !scripts.includes(name)),
        file,
      ).toEqual([]);
    }
  });
});
