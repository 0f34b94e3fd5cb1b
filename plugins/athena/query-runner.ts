/**
 * Runs one statement on Athena the way its API works: StartQueryExecution, then
 * GetQueryExecution until the query leaves QUEUED/RUNNING, then GetQueryResults page by page
 * (the first page starts with a header row). Pages are yielded as they arrive, so memory is
 * bounded by the page size. An abandoned or aborted read stops the query on Athena.
 */
import type { AthenaClient } from '@aws-sdk/client-athena';
import {
  rowPages,
  WharfError,
  type ColumnInfo,
  type QuerySpec,
  type RawResultPage,
  type ResultPage,
  type RowValue,
  type StatementRunner,
} from '@wharf/framework';
import type { AthenaSource } from './options.js';
import { athenaCallError, athenaQueryError } from './errors.js';
import { columnInfo, parseValue } from './values.js';

type AthenaSdk = typeof import('@aws-sdk/client-athena');

export class AthenaQueryRunner implements StatementRunner {
  constructor(
    private readonly sdk: AthenaSdk,
    private readonly client: AthenaClient,
    private readonly config: AthenaSource,
  ) {}

  /** The pages of a statement's result. `query` names the mapping in errors. */
  pages(sql: string, query?: QuerySpec, signal?: AbortSignal): AsyncIterable<ResultPage> {
    return rowPages(this.rawPages(sql, query, signal), this.value);
  }

  /** A value's text (`VarCharValue`, absent for NULL) as the connector contract's value. */
  readonly value = (raw: unknown, column: ColumnInfo): RowValue => parseValue(raw as string | undefined, column);

  /** The pages with each value as Athena's text. */
  async *rawPages(sql: string, query?: QuerySpec, signal?: AbortSignal): AsyncGenerator<RawResultPage> {
    const id = await this.start(sql);
    let finished = false;
    try {
      await this.waitFor(id, query, signal);
      let token: string | undefined;
      let first = true;
      do {
        signal?.throwIfAborted();
        const page = await this.call(() =>
          this.client.send(
            new this.sdk.GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token, MaxResults: 1000 }),
          ),
        );
        const columns = (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) =>
          columnInfo(c.Name ?? '', c.Type ?? 'varchar'),
        );
        const raw = page.ResultSet?.Rows ?? [];
        const data = first ? raw.slice(1) : raw;
        first = false;
        yield { columns, rows: data.map((r) => (r.Data ?? []).map((d) => d.VarCharValue)) };
        token = page.NextToken;
      } while (token);
      finished = true;
    } finally {
      if (!finished) await this.stop(id);
    }
  }

  private async start(sql: string): Promise<string> {
    const started = await this.call(() =>
      this.client.send(
        new this.sdk.StartQueryExecutionCommand({
          QueryString: sql,
          QueryExecutionContext: { Database: this.config.database, Catalog: this.config.catalog ?? 'AwsDataCatalog' },
          WorkGroup: this.config.workGroup ?? 'primary',
          ResultConfiguration: this.config.outputLocation ? { OutputLocation: this.config.outputLocation } : undefined,
        }),
      ),
    );
    if (!started.QueryExecutionId) {
      throw new WharfError('Athena accepted the query but returned no QueryExecutionId.', {
        code: 'athena.no-execution-id',
        errorClass: 'connection',
        transient: true,
      });
    }
    return started.QueryExecutionId;
  }

  private async waitFor(id: string, query: QuerySpec | undefined, signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const { QueryExecution: execution } = await this.call(() =>
        this.client.send(new this.sdk.GetQueryExecutionCommand({ QueryExecutionId: id })),
      );
      const state = execution?.Status?.State;
      if (state === 'SUCCEEDED') return;
      if (state === 'FAILED' || state === 'CANCELLED') {
        const reason = execution?.Status?.StateChangeReason ?? `the query was ${state?.toLowerCase()}`;
        throw athenaQueryError(reason, this.config.name, query, execution?.Status?.AthenaError?.Retryable ?? false);
      }
      await new Promise((resolve) => setTimeout(resolve, this.config.pollIntervalMs ?? 1000));
    }
  }

  private async stop(id: string): Promise<void> {
    try {
      await this.client.send(new this.sdk.StopQueryExecutionCommand({ QueryExecutionId: id }));
    } catch {
      // The query may have finished already; stopping is best effort.
    }
  }

  private async call<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (err) {
      if (err instanceof WharfError) throw err;
      throw athenaCallError(err, this.config.name);
    }
  }
}
