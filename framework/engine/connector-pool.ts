/**
 * Open connectors of one run, one per source, opened on first use and closed together.
 * Tests (and the agent) may supply connectors directly instead of the registry's.
 */
import { resolveSecret } from '../util/secrets.js';
import type { LoadedProject } from '../config/project.js';
import { connectorFor } from '../connectors/registry.js';
import type { ColumnInfo, Connector } from '../connectors/types.js';
import { WharfError } from '../diagnostics/errors.js';

export type ConnectorOpener = (sourceName: string) => Promise<Connector>;

export class ConnectorPool {
  private readonly open = new Map<string, Promise<Connector>>();
  /** Result columns per mapping, described once per run. */
  readonly described = new Map<string, Promise<ColumnInfo[]>>();

  constructor(
    private readonly project: LoadedProject,
    private readonly opener?: ConnectorOpener,
  ) {}

  get(sourceName: string): Promise<Connector> {
    let connector = this.open.get(sourceName);
    if (!connector) {
      connector = this.opener ? this.opener(sourceName) : this.create(sourceName);
      this.open.set(sourceName, connector);
      connector.catch(() => this.open.delete(sourceName));
    }
    return connector;
  }

  private async create(sourceName: string): Promise<Connector> {
    const source = this.project.sources.get(sourceName);
    if (!source)
      throw new WharfError(`Unknown source '${sourceName}'.`, { code: 'source.unknown', errorClass: 'config' });
    const definition = await connectorFor(source.config.kind);
    return definition.create(source.config as never, {
      projectRoot: this.project.root,
      resolveSecret: (ref, field) => resolveSecret(ref, field),
    });
  }

  async closeAll(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    for (const pending of all) {
      try {
        await (await pending).close();
      } catch {
        // A connector that failed to open or to close has nothing left to release.
      }
    }
  }
}
