/** Loopback helpers for connector tests: a port where nothing listens. */
import { createServer } from 'node:net';

/** A loopback port that was free a moment ago and has no listener now. */
export async function closedLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
