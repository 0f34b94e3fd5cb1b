/** What `ingest init` prints: the files it wrote, and the commands to run next. */
import type { ScaffoldResult } from '../init/scaffold.js';

export function renderInitResult(result: ScaffoldResult, shownDir: string): string {
  const lines = [`Created a Wharf project in ${shownDir}:`, ...result.created.map((f) => `  ${f}`)];
  if (result.packageJsonUpdate?.length) lines.push(`Added to package.json: ${result.packageJsonUpdate.join(', ')}`);
  lines.push('', 'Next:');
  if (shownDir !== '.') lines.push(`  cd ${shownDir}`);
  lines.push(
    '  npm install                         # Wharf and TypeScript',
    '  npx ingest validate                 # check the configuration',
    '  npx ingest plan                     # what apply would do',
    '  npx ingest apply --auto-approve     # load the demo data into .wharf/store.duckdb',
    '',
    'Then commit the project (with package-lock.json) and push it to GitHub: pull requests get a plan',
    "comment from .github/workflows/plan.yml. Connect your warehouse in sources/ (see Wharf's docs/connectors.md).",
  );
  return lines.join('\n');
}
