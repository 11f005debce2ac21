/**
 * No secret reaches the log (docs/operations.md "Logs"): the real app at LOG_LEVEL=trace, driven
 * with a wrong and a right password, the session cookie, a Bearer token and a token in a query
 * string, a webhook channel with a secret URL (user:password and a secret path) whose receiver
 * echoes the path back in its error, and an e-mail channel with an SMTP password; every line is
 * captured and searched for each secret. The lines themselves must be there (with request ids),
 * so the search cannot pass on an empty log.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimulatedClock } from 'xstate';
import { createApp } from '../app.ts';
import { hashToken } from '../db/sessions.ts';
import { configureLogging, setQuiet } from '../lib/logger.ts';
import { NotificationService } from '../services/notifications/service.ts';
import { httpReceiver, type HttpReceiver } from '../testing/notify-receivers.ts';
import { cookieOf, fixture, json, PASSWORD, type Fixture } from '../testing/route-fixture.ts';

const WRONG_PASSWORD = 'Wr0ng-Pa55word-771';
const BEARER = 'B3arer-T0ken-5150';
const QUERY_TOKEN = 'Qu3ry-T0ken-8080';
const HOOK_PASSWORD = 'H00k-Pa55-303';
const HOOK_PATH = 'S3cr3t-Path-909';
const SMTP_PASSWORD = 'Smtp-Pa55-606';

let f: Fixture;
let rx: HttpReceiver;
let notifications: NotificationService;
const lines: string[] = [];

test.before(async () => {
  f = await fixture();
  setQuiet(false); // the fixture silences the log; this test reads all of it
  configureLogging({ level: 'trace', pretty: false, write: (line) => void lines.push(line) });
  const clock = new SimulatedClock();
  clock.set(f.clock.t);
  notifications = new NotificationService({ db: f.db, ids: f.parts.ids, writer: f.writer, clock, bus: f.bus, client: () => undefined, clients: () => [], timers: false, timeoutMs: 2000 });
  await notifications.start();
  rx = await httpReceiver();
});
test.after(async () => {
  configureLogging({ level: 'info', write: (line, s) => void (s === 'err' ? process.stderr : process.stdout).write(line) });
  setQuiet(true);
  await rx.close();
  await notifications.stop();
  await f.close();
});

test('a login, a session, tokens and channel secrets: none of them in any log line', async () => {
  const app = createApp({ config: f.config, db: f.db, writer: f.writer, fleet: f.fleet, screenshots: f.screenshots, bus: f.bus, brokerStatus: () => ({ connected: true }), now: () => f.clock.t, notifications });
  assert.is((await app.request('/api/auth/login', json('POST', { username: 'admin', password: WRONG_PASSWORD }))).status, 401);
  const login = await app.request('/api/auth/login', json('POST', { username: 'admin', password: PASSWORD }, undefined, { 'x-request-id': 'login-req-1' }));
  assert.is(login.headers.get('x-request-id'), 'login-req-1', 'an incoming id is echoed');
  const cookie = cookieOf(login);
  const token = cookie.slice('sid='.length);
  // An unknown Bearer token is refused (routes/middleware/bearer.ts), and is never logged either.
  const refused = await app.request(`/api/clients?token=${QUERY_TOKEN}`, { headers: { cookie, authorization: `Bearer ${BEARER}` } });
  assert.is(refused.status, 401);
  const read = await app.request(`/api/clients?token=${QUERY_TOKEN}`, { headers: { cookie } });
  assert.is(read.status, 200);
  const readId = read.headers.get('x-request-id');
  assert.match(readId ?? '', /^[0-9a-f-]{36}$/, 'a fresh id per request');

  // A receiver that answers 500 and echoes the secret path back; an SMTP server that is not there.
  rx.script.push((req, res) => void (res.writeHead(500), res.end(`no such hook: ${req.path}`)), (req, res) => void (res.writeHead(500), res.end(`no such hook: ${req.path}`)));
  const hookUrl = `http://hooks:${HOOK_PASSWORD}@${new URL(rx.url).host}/services/${HOOK_PATH}`;
  const hook = await (await app.request('/api/notifications/channels', json('POST', { name: 'hook', type: 'webhook', url: hookUrl }, cookie))).json();
  const mail = await (await app.request('/api/notifications/channels', json('POST', { name: 'mail', type: 'email', to: 'it@school.example', smtpUrl: `smtp://mailer:${SMTP_PASSWORD}@127.0.0.1:1` }, cookie))).json();
  assert.is((await app.request(`/api/notifications/channels/${hook.id}/test`, json('POST', undefined, cookie))).status, 502);
  assert.is((await app.request(`/api/notifications/channels/${mail.id}/test`, json('POST', undefined, cookie))).status, 502);
  // The outbox worker logs each failed delivery.
  for (const id of [hook.id, mail.id]) notifications.delivery.enqueue(id, null, { kind: 'test', alerts: [], at: f.clock.t });
  await notifications.delivery.runOnce();
  assert.ok(rx.received.some((r) => r.path.includes(HOOK_PATH)), 'the receiver did see the secret path');

  const log = lines.join('');
  const records = lines.map((l) => JSON.parse(l));
  assert.ok(records.some((r) => r.reqId === 'login-req-1' && /POST \/api\/auth\/login 200/.test(r.msg)), 'request lines carry their id');
  assert.ok(records.some((r) => r.reqId === readId && /GET \/api\/clients 200/.test(r.msg)));
  assert.ok(records.filter((r) => /delivery .* failed/.test(r.msg)).length >= 2, 'the failed deliveries were logged');
  const basic = btoa(`hooks:${HOOK_PASSWORD}`);
  for (const secret of [WRONG_PASSWORD, PASSWORD, token, hashToken(token), BEARER, QUERY_TOKEN, HOOK_PASSWORD, HOOK_PATH, SMTP_PASSWORD, basic]) {
    assert.not.ok(log.includes(secret), `"${secret}" appears in the log:\n${lines.filter((l) => l.includes(secret)).join('')}`);
  }
});

test.run();
