/**
 * The `s3` source kind: parquet files in the seeds' bucket layout, read with DuckDB from
 * downloaded copies. The SDK and DuckDB are loaded only when a source of this kind is opened.
 * See docs/connectors-s3.md for the layout and the SQL convention.
 */
import type { S3Source } from '../../config/types.js';
import { defineConnector } from '../define.js';
import { S3_CAPABILITIES } from './capabilities.js';
import { importOptional } from '../../util/optional-import.js';

export default defineConnector<S3Source>({
  kind: 's3',
  capabilities: S3_CAPABILITIES,
  async create(config, context) {
    const [{ createS3Client }, { S3Connector }, { openSourceDuckDB }] = await Promise.all([
      importOptional('@aws-sdk/client-s3', 'An s3 source', () => import('./options.js')),
      importOptional('@aws-sdk/client-s3', 'An s3 source', () => import('./connector.js')),
      import('../shared/source-duckdb.js'),
    ]);
    const client = await createS3Client(config, context);
    const duckdb = await openSourceDuckDB(':memory:');
    return new S3Connector(config, client, duckdb);
  },
});
