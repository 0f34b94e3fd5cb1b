import { rmSync } from 'node:fs';
import { expect, it } from 'vitest';
import { loadProject } from '../../framework/config/loader.js';
import { copyExampleProject, editFile } from '../support/example-project.js';

it('accepts an events mapping whose user is built from userID and customIDs columns', async () => {
  const dir = copyExampleProject();
  try {
    editFile(dir, 'mappings/app_events.ts', (t) =>
      t.replace(
        "user: 'user_json',",
        "userID: 'event_id',\n    customIDs: { stableID: 'event_id', companyID: 'event_id' },",
      ),
    );
    const result = await loadProject(dir);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const columns = result.project!.mappings.get('app_events')!.config.columns as {
      customIDs?: Record<string, string>;
    };
    expect(columns.customIDs).toEqual({ stableID: 'event_id', companyID: 'event_id' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
