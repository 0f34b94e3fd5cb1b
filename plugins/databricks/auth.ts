/**
 * Bearer tokens for the Databricks REST API: a personal access token as configured, or an
 * OAuth M2M access token fetched from the workspace's `/oidc/v1/token` endpoint with the
 * service principal's client credentials and reused until shortly before it expires.
 */
import { WharfError, registerSecret, type ConnectorContext } from '@wharf/framework';
import type { DatabricksSource } from './options.js';

export type TokenProvider = () => Promise<string>;

export function tokenProvider(
  config: DatabricksSource,
  context: ConnectorContext,
  fetchImpl: typeof fetch,
): TokenProvider {
  if (config.token) {
    const token = context.resolveSecret(config.token, 'token');
    registerSecret(token);
    return async () => token;
  }
  if (!config.clientId || !config.clientSecret) {
    throw new WharfError(`Source '${config.name}' has no credentials.`, {
      code: 'databricks.no-credentials',
      errorClass: 'config',
      hint: 'Set token (a personal access token), or clientId and clientSecret (OAuth M2M), as env references.',
    });
  }
  const clientId = context.resolveSecret(config.clientId, 'clientId');
  const clientSecret = context.resolveSecret(config.clientSecret, 'clientSecret');
  registerSecret(clientSecret);
  let cached: { token: string; expiresAt: number } | undefined;
  return async () => {
    if (cached && cached.expiresAt > Date.now() + 60_000) return cached.token;
    cached = await fetchOAuthToken(config, clientId, clientSecret, fetchImpl);
    registerSecret(cached.token);
    return cached.token;
  };
}

async function fetchOAuthToken(
  config: DatabricksSource,
  clientId: string,
  clientSecret: string,
  fetchImpl: typeof fetch,
) {
  const response = await fetchImpl(new URL('/oidc/v1/token', config.host), {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials&scope=all-apis',
  });
  const body = (await response.json().catch(() => ({}))) as {
    access_token?: string;
    expires_in?: number;
    error_description?: string;
  };
  if (!response.ok || !body.access_token) {
    throw new WharfError(
      `Databricks source '${config.name}': OAuth token request failed (HTTP ${response.status})${body.error_description ? `: ${body.error_description}` : ''}.`,
      {
        code: 'databricks.auth',
        errorClass: 'auth',
        hint: `Check clientId/clientSecret of source '${config.name}' and that the service principal may use the workspace.`,
      },
    );
  }
  return { token: body.access_token, expiresAt: Date.now() + (body.expires_in ?? 3600) * 1000 };
}
