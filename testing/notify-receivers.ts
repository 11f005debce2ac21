/**
 * Real receivers on loopback for the notification tests (not a test file): an HTTP receiver whose
 * answers are scripted per request, and an SMTP server (npm smtp-server) that takes mail the way a
 * mail host would, with a password check.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Answer = number | 'hang' | 'huge' | 'redirect-loop' | ((req: Received, res: ServerResponse) => void);

export interface HttpReceiver {
  url: string;
  received: Received[];
  /** Answers for the next requests in order; afterwards 200. */
  script: Answer[];
  close(): Promise<void>;
}

export async function httpReceiver(script: Answer[] = []): Promise<HttpReceiver> {
  const received: Received[] = [];
  const hanging: ServerResponse[] = [];
  const r = { received, script } as HttpReceiver;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const rec = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(rec);
      const answer = r.script.shift() ?? 200;
      if (typeof answer === 'function') return answer(rec, res);
      if (answer === 'hang') return void hanging.push(res);
      if (answer === 'huge') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        const block = Buffer.alloc(64 * 1024, 'x');
        let sent = 0;
        const pump = () => {
          while (sent < 10 * 1024 * 1024) {
            sent += block.length;
            if (!res.write(block)) return void res.once('drain', pump);
          }
          res.end();
        };
        res.on('error', () => {});
        return pump();
      }
      if (answer === 'redirect-loop') {
        r.script.unshift('redirect-loop');
        res.writeHead(302, { location: req.url ?? '/' });
        return res.end();
      }
      res.writeHead(answer, { 'content-type': 'application/json' });
      res.end(answer >= 400 ? '{"error":"receiver says no"}' : '{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  r.close = () =>
    new Promise<void>((resolve) => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections?.();
      server.close(() => resolve());
    });
  return r;
}

export interface Mail {
  from: string;
  to: string[];
  raw: string;
}

export interface SmtpReceiver {
  url: string; // smtp://user:pass@127.0.0.1:port
  port: number;
  mails: Mail[];
  close(): Promise<void>;
}

/** A real SMTP server on loopback (AUTH PLAIN/LOGIN without TLS, as a local relay would allow). */
export async function smtpReceiver(user = 'mailer', pass = 'right password'): Promise<SmtpReceiver> {
  const { SMTPServer } = await import('smtp-server');
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: false,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === user && auth.password === pass) return cb(null, { user });
      return cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({ from: String(session.envelope.mailFrom && session.envelope.mailFrom.address), to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://${user}:${encodeURIComponent(pass)}@127.0.0.1:${port}`,
    port,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
