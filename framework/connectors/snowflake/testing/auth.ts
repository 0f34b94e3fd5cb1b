/**
 * Login checks of the Snowflake protocol fake: a password, or a key-pair JWT verified with the
 * user's registered public key exactly as Snowflake does (RS256 signature; issuer
 * `ACCOUNT.USER.SHA256:<public key fingerprint>`).
 */
import { createHash, createPublicKey, verify } from 'node:crypto';

export interface FakeSnowflakeUser {
  password?: string;
  /** PEM public key for key-pair authentication. */
  publicKey?: string;
}

/** The login-request `data` fields the fake reads. */
export interface LoginData {
  ACCOUNT_NAME?: string;
  LOGIN_NAME?: string;
  PASSWORD?: string;
  AUTHENTICATOR?: string;
  TOKEN?: string;
}

function fingerprint(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ format: 'der', type: 'spki' });
  return `SHA256:${createHash('sha256').update(der).digest('base64')}`;
}

function jwtValid(token: string, publicKeyPem: string, account: string, user: string): boolean {
  const [header, payload, signature] = token.split('.');
  if (!header || !payload || !signature) return false;
  const signed = verify(
    'RSA-SHA256',
    Buffer.from(`${header}.${payload}`),
    publicKeyPem,
    Buffer.from(signature, 'base64url'),
  );
  if (!signed) return false;
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: string; sub?: string };
  const subject = `${account.toUpperCase()}.${user.toUpperCase()}`;
  return claims.sub === subject && claims.iss === `${subject}.${fingerprint(publicKeyPem)}`;
}

/** Whether the login data proves the identity of a known user of `account`. */
export function loginAccepted(data: LoginData, account: string, users: Record<string, FakeSnowflakeUser>): boolean {
  if ((data.ACCOUNT_NAME ?? '').toUpperCase() !== account.toUpperCase()) return false;
  const name = Object.keys(users).find(
    (candidate) => candidate.toUpperCase() === (data.LOGIN_NAME ?? '').toUpperCase(),
  );
  const user = name === undefined ? undefined : users[name];
  if (!user || name === undefined) return false;
  if (data.AUTHENTICATOR === 'SNOWFLAKE_JWT') {
    return (
      user.publicKey !== undefined && data.TOKEN !== undefined && jwtValid(data.TOKEN, user.publicKey, account, name)
    );
  }
  return user.password !== undefined && data.PASSWORD === user.password;
}
