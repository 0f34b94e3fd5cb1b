/**
 * `ingest init`: writes a working project into a folder from the template files in
 * framework/templates/project/, read at run time next to this module so it works the same from
 * this repository and from an installed package. It never overwrites a file: every conflict is
 * found first and reported together, before anything is written. The one file it may update
 * is an existing package.json (left by `npm install @wharf/framework`), by adding what the
 * project needs without changing anything already set.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WharfError } from '../diagnostics/errors.js';
import { addDays, latestCompleteDay, zoneOrThrow } from '../util/time.js';
import { mergePackageJson } from './package-json.js';

/** What init wrote: files created, and whether an existing package.json was updated. */
export interface ScaffoldResult {
  dir: string;
  created: string[];
  /** What was added to an existing package.json, or null when init created it. */
  packageJsonUpdate: string[] | null;
}

/** Values put into the templates' `{{placeholders}}`. */
export interface TemplateValues {
  /** The project name (wharf.config.ts): lower-case letters, digits and underscores. */
  name: string;
  /** The npm package name (package.json). */
  packageName: string;
  /** The exact @wharf/framework version the project depends on. */
  frameworkVersion: string;
  /** The framework's ranges of the optional chart libraries, which an agent's project installs. */
  vegaVersion: string;
  vegaLiteVersion: string;
  /** For `ingest comment` in the GitHub workflows (the plan as a pull-request comment). */
  octokitVersion: string;
  /** The mappings' startDate: four weeks before the latest complete day, so the first apply is short. */
  startDate: string;
}

/** How many days the new project's first apply loads per mapping. */
const FIRST_BACKFILL_DAYS = 28;

const PACKAGE_TEMPLATE = 'package.json.tmpl';

/**
 * The framework's own folder (where its package.json is): found upwards from this module, so
 * the lookup holds for the TypeScript sources and for a build in a sub-folder alike.
 */
export function frameworkDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === '@wharf/framework'
    )
      return dir;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new WharfError(
        'ingest init cannot find the package.json of @wharf/framework above its own module: the package is incomplete.',
        {
          code: 'package.incomplete',
          errorClass: 'internal',
          hint: 'Reinstall @wharf/framework (npm ci).',
        },
      );
    }
    dir = parent;
  }
}

interface FrameworkManifest {
  version: string;
  peerDependencies: Record<string, string>;
}

function frameworkManifest(): FrameworkManifest {
  return JSON.parse(readFileSync(join(frameworkDir(), 'package.json'), 'utf8')) as FrameworkManifest;
}

export function templateDir(): string {
  return join(frameworkDir(), 'templates', 'project');
}

/** Template values for a folder: the names come from the folder's own name. */
export function templateValuesFor(dir: string): TemplateValues {
  const base = basename(resolve(dir)).toLowerCase();
  const name =
    base
      .replace(/[^a-z0-9_]+/g, '_')
      .replace(/^[^a-z]+/, '')
      .replace(/_+$/, '')
      .slice(0, 63) || 'warehouse';
  const packageName =
    base
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[._-]+/, '')
      .slice(0, 214) || 'warehouse';
  const { version, peerDependencies } = frameworkManifest();
  return {
    name,
    packageName,
    frameworkVersion: version,
    vegaVersion: peerDependencies.vega,
    vegaLiteVersion: peerDependencies['vega-lite'],
    octokitVersion: peerDependencies['@octokit/rest'],
    startDate: addDays(latestCompleteDay(new Date(), zoneOrThrow('PST')), 1 - FIRST_BACKFILL_DAYS),
  };
}

/**
 * Where a template file goes: a leading `_` stands for a dot (`_gitignore`, `_github/`), since
 * npm leaves `.gitignore` files out of packages; `package.json.tmpl` is the package.json.
 */
export function targetPath(templateRelative: string): string {
  if (templateRelative === PACKAGE_TEMPLATE) return 'package.json';
  const [first, ...rest] = templateRelative.split(sep);
  return join(first.startsWith('_') ? `.${first.slice(1)}` : first, ...rest);
}

/** Every template file, relative to the template folder, sorted. */
export function templateFiles(root = templateDir()): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((entry) => {
      const path = join(dir, entry);
      return statSync(path).isDirectory() ? walk(path) : [relative(root, path)];
    });
  return walk(root).sort();
}

export function fillPlaceholders(text: string, values: TemplateValues): string {
  return text.replace(/\{\{(\w+)\}\}/g, (whole, key: string) =>
    key in values ? values[key as keyof TemplateValues] : whole,
  );
}

/** Writes the project into `dir` (created when missing); throws before writing on any conflict. */
export function scaffoldProject(dir: string, values: TemplateValues = templateValuesFor(dir)): ScaffoldResult {
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new WharfError(`${dir} is a file, not a folder. Nothing was written.`, {
      code: 'init.not-a-folder',
      errorClass: 'config',
      hint: 'Give `ingest init` a folder to create the project in.',
    });
  }
  const root = templateDir();
  const files = templateFiles(root).map((file) => ({
    file,
    target: targetPath(file),
    text: fillPlaceholders(readFileSync(join(root, file), 'utf8'), values),
  }));
  const packageJson = files.find((f) => f.target === 'package.json');
  const existingPackage =
    packageJson && existsSync(join(dir, 'package.json')) ? readFileSync(join(dir, 'package.json'), 'utf8') : null;
  const conflicts = files
    .filter((f) => f.target !== 'package.json' && existsSync(join(dir, f.target)))
    .map((f) => f.target);
  if (conflicts.length) throw conflictError(dir, conflicts);
  const merge =
    existingPackage !== null && packageJson
      ? mergePackageJson(existingPackage, packageJson.text, join(dir, 'package.json'))
      : null;

  const created: string[] = [];
  for (const f of files) {
    if (f.target === 'package.json' && merge) continue;
    mkdirSync(dirname(join(dir, f.target)), { recursive: true });
    writeFileSync(join(dir, f.target), f.text, { flag: 'wx' });
    created.push(f.target);
  }
  if (merge && merge.added.length) writeFileSync(join(dir, 'package.json'), merge.text);
  return { dir, created, packageJsonUpdate: merge ? merge.added : null };
}

function conflictError(dir: string, conflicts: string[]): WharfError {
  return new WharfError(
    `ingest init writes no file that already exists, and ${conflicts.length} of its files are already in ${dir}:\n${conflicts.map((c) => `    ${c}`).join('\n')}\nNothing was written.`,
    {
      code: 'init.files-exist',
      errorClass: 'config',
      hint: 'Run it in an empty folder (`ingest init <new-folder>`), or move those files away first.',
    },
  );
}
