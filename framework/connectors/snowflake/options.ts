/**
 * Turns a SnowflakeSource into snowflake-sdk connection options: password or key-pair auth
 * with secrets resolved from the environment and registered for redaction.
 */
import { isAbsolute, resolve } from 'node:path';
import type { SnowflakeSource } from '../../config/types.js';
import { registerSecret } from '../../diagnostics/redact.js';
import { WharfError } from '../../diagnostics/errors.js';
import type { ConnectorContext } from '../types.js';

/** Knobs tests and operators may set on top of the source config. */
export interface SnowflakeClientTuning {
  /** snowflake-sdk's own retries of a failed login (it has its own backoff). */
  sdkRetries?: number;
  /**
   * How long snowflake-sdk keeps retrying a request that fails with HTTP 5xx/429 or a network
   * error before giving up (its default is 90 s); Wharf then retries the day with backoff.
   */
  requestTimeoutMs?: number;
}

function secret(context: ConnectorContext, ref: { env: string }, field: string): string {
  const value = context.resolveSecret(ref, field);
  registerSecret(value);
  return value;
}

/** A PEM key from an env var; single-line values with literal `\n` escapes are unfolded. */
export function pemFromEnv(value: string): string {
  return value.includes('\n') ? value : value.replaceAll('\\n', '\n');
}

/** Key-pair options when the source uses a private key, password options otherwise. */
function authOptions(config: SnowflakeSource, context: ConnectorContext): Record<string, unknown> {
  const passphrase = config.privateKeyPassphrase
    ? secret(context, config.privateKeyPassphrase, 'privateKeyPassphrase')
    : undefined;
  if (config.privateKey) {
    const privateKey = pemFromEnv(secret(context, config.privateKey, 'privateKey'));
    registerSecret(privateKey);
    return { authenticator: 'SNOWFLAKE_JWT', privateKey, privateKeyPass: passphrase };
  }
  if (config.privateKeyPath) {
    const path = isAbsolute(config.privateKeyPath)
      ? config.privateKeyPath
      : resolve(context.projectRoot, config.privateKeyPath);
    return { authenticator: 'SNOWFLAKE_JWT', privateKeyPath: path, privateKeyPass: passphrase };
  }
  if (config.password) return { password: secret(context, config.password, 'password') };
  throw new WharfError(`Snowflake source '${config.name}' has no credentials.`, {
    code: 'snowflake.no-credentials',
    errorClass: 'config',
    hint: 'Set `password: env(...)`, or `privateKey: env(...)` / `privateKeyPath` for key-pair authentication.',
  });
}

/** The options passed to snowflake-sdk's createConnection. */
export function connectionOptions(
  config: SnowflakeSource,
  context: ConnectorContext,
  tuning: SnowflakeClientTuning = {},
): Record<string, unknown> {
  const options: Record<string, unknown> = {
    account: config.account,
    username: config.username,
    role: config.role,
    warehouse: config.warehouse,
    database: config.database,
    schema: config.schema,
    accessUrl: config.accessUrl,
    application: 'Wharf',
    clientSessionKeepAlive: false,
    // Values fetched as strings would otherwise turn SQL NULL into the text 'NULL'.
    representNullAsStringNull: false,
    ...authOptions(config, context),
  };
  if (tuning.sdkRetries !== undefined) {
    options.sfRetryMaxLoginRetries = tuning.sdkRetries;
  }
  if (tuning.requestTimeoutMs !== undefined) options.timeout = tuning.requestTimeoutMs;
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}
