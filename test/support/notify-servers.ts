/**
 * Real local receivers for notification tests: an HTTP server that records JSON POSTs (Slack
 * incoming webhook or generic webhook) and an SMTP server (smtp-server) that records mail.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface HttpReceiver {
  url: string;
  bodies: unknown[];
  /** Status the next requests are answered with (default 200). */
  status: number;
  close(): Promise<void>;
}

export async function startHttpReceiver(path = '/hook'): Promise<HttpReceiver> {
  const receiver: HttpReceiver = { url: '', bodies: [], status: 200, close: async () => {} };
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      if (req.url === path && req.method === 'POST') receiver.bodies.push(JSON.parse(text));
      res.writeHead(req.url === path ? receiver.status : 404).end(receiver.status === 200 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  receiver.close = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return receiver;
}

export interface Mail {
  from: string;
  to: string[];
  raw: string;
  user: string | null;
}

export interface SmtpReceiver {
  port: number;
  mails: Mail[];
  close(): Promise<void>;
}

/** An SMTP server on 127.0.0.1 accepting user `wharf` with `password` (plain auth without TLS). */
export async function startSmtpReceiver(password: string): Promise<SmtpReceiver> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === 'wharf' && auth.password === password) cb(null, { user: 'wharf' });
      else cb(new Error('Invalid username or password'));
    },
    onData(stream, session, cb) {
      let raw = '';
      stream.on('data', (c) => (raw += c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          user: (session.user as string | undefined) ?? null,
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
