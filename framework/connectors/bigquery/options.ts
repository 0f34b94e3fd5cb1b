/**
 * Turns a BigQuerySource into @google-cloud/bigquery client options: service-account JSON
 * from an environment variable (registered for redaction) or a key file, and the endpoint.
 */
import { isAbsolute, resolve } from 'node:path';
import type { BigQueryOptions } from '@google-cloud/bigquery';
import type { BigQuerySource } from '../../config/types.js';
import { WharfError } from '../../diagnostics/errors.js';
import { registerSecret } from '../../diagnostics/redact.js';
import type { ConnectorContext } from '../types.js';

/** Knobs set on top of the source config, by tests and embedding code. */
export interface BigQueryClientTuning {
  /** An auth client to use instead of credentials (tests give a fixed-token client). */
  authClient?: BigQueryOptions['authClient'];
  /** The client library's own retries of 5xx/429 answers (default 3). */
  maxRetries?: number;
}

/** Parses the service-account JSON; a config error naming the variable (never its content). */
function credentialsFrom(config: BigQuerySource, context: ConnectorContext): Record<string, unknown> {
  const ref = config.credentials!;
  const text = context.resolveSecret(ref, 'credentials');
  registerSecret(text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    typeof (parsed as { private_key?: unknown }).private_key !== 'string'
  ) {
    throw new WharfError(
      `BigQuery source '${config.name}': environment variable ${ref.env} does not hold a service-account key (JSON with private_key).`,
      {
        code: 'bigquery.bad-credentials',
        errorClass: 'config',
        hint: `Put the whole service-account key file's JSON in ${ref.env}, or use keyFilename.`,
      },
    );
  }
  registerSecret((parsed as { private_key: string }).private_key);
  return parsed as Record<string, unknown>;
}

/** The options for `new BigQuery(...)`. */
export function clientOptions(
  config: BigQuerySource,
  context: ConnectorContext,
  tuning: BigQueryClientTuning = {},
): BigQueryOptions {
  const options: BigQueryOptions = { projectId: config.projectId, location: config.location, userAgent: 'wharf' };
  if (config.apiEndpoint) options.apiEndpoint = config.apiEndpoint;
  if (tuning.maxRetries !== undefined) {
    options.maxRetries = tuning.maxRetries;
    options.retryOptions = { maxRetries: tuning.maxRetries, autoRetry: tuning.maxRetries > 0 };
  }
  if (tuning.authClient) options.authClient = tuning.authClient;
  else if (config.credentials) options.credentials = credentialsFrom(config, context);
  else if (config.keyFilename) {
    options.keyFilename = isAbsolute(config.keyFilename)
      ? config.keyFilename
      : resolve(context.projectRoot, config.keyFilename);
  }
  return options;
}
