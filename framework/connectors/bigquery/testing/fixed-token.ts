/**
 * An OAuth2 client holding a fixed access token, for tests: the BigQuery client uses it as is,
 * so Google's auth library never fetches tokens or probes the metadata server.
 */
import { OAuth2Client } from 'google-auth-library';

export function fixedTokenClient(accessToken: string): OAuth2Client {
  const client = new OAuth2Client();
  client.setCredentials({ access_token: accessToken, expiry_date: Date.now() + 24 * 3_600_000, token_type: 'Bearer' });
  return client;
}
