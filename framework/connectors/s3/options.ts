/**
 * Builds the @aws-sdk/client-s3 client for an S3 source: region, optional endpoint and
 * path-style addressing for S3-compatible stores, and either static credentials resolved from
 * environment references or the SDK's default credential chain.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3Source } from '../../config/types.js';
import { WharfError } from '../../diagnostics/errors.js';
import { registerSecret } from '../../diagnostics/redact.js';
import type { ConnectorContext } from '../types.js';
import { importOptional } from '../../util/optional-import.js';

/** Opens the client; the SDK is imported here so projects without S3 sources never load it. */
export async function createS3Client(config: S3Source, context: ConnectorContext): Promise<S3Client> {
  const { S3Client } = await importOptional('@aws-sdk/client-s3', 'An s3 source', () => import('@aws-sdk/client-s3'));
  return new S3Client({
    region: config.region,
    endpoint: config.endpoint,
    forcePathStyle: config.forcePathStyle ?? false,
    credentials: staticCredentials(config, context),
    maxAttempts: 3,
  });
}

/** Static credentials when both references are set; undefined selects the default AWS chain. */
function staticCredentials(config: S3Source, context: ConnectorContext) {
  const { accessKeyId, secretAccessKey } = config;
  if (!accessKeyId && !secretAccessKey) return undefined;
  if (!accessKeyId || !secretAccessKey) {
    throw new WharfError(`Source '${config.name}' sets only one of accessKeyId and secretAccessKey.`, {
      code: 's3.partial-credentials',
      errorClass: 'config',
      hint: 'Set both (as env references) for static credentials, or neither to use the default AWS credential chain.',
    });
  }
  const id = context.resolveSecret(accessKeyId, 'accessKeyId');
  const secret = context.resolveSecret(secretAccessKey, 'secretAccessKey');
  registerSecret(id);
  registerSecret(secret);
  return { accessKeyId: id, secretAccessKey: secret };
}
