import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimulatedClock } from 'xstate';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { memoryDb } from '../../testing/db.ts';
import { getOutbox, insertChannelStatement, getChannel } from '../../db/notifications.ts';
import { setQuiet } from '../../lib/logger.ts';
import { Delivery, BACKOFF_MS } from './delivery.ts';
import { alertmanagerV4Schema } from './alertmanager-schema.ts';
import { httpReceiver, smtpReceiver, type Answer } from '../../testing/notify-receivers.ts';
import type { ChannelType, Notice } from '../../domain/notifications.ts';

setQuiet(true);
const ajv = new (Ajv2020 as any)({ allErrors: true, strict: false }); // (cast: the CJS default export types)
(addFormats as any)(ajv);
const validAm = ajv.compile(alertmanagerV4Schema);

const T0 = Date.parse('2025-03-10T08:00:00Z');
const firing: Notice = {
  kind: 'firing',
  at: T0,
  alerts: [{ kind: 'client-offline', status: 'firing', fingerprint: 'client-offline|u1', severity: 'warning', uuid: 'u1', groupId: 3, summary: 'Lobby went offline', params: { name: 'Lobby' }, startsAt: T0, endsAt: null }],
};

async function setup(type: ChannelType, secret: { url?: string; to?: string; smtpUrl?: string }, opts: { language?: 'en' | 'de'; timeoutMs?: number } = {}) {
  const { db, writer } = await memoryDb();
  const clock = new SimulatedClock();
  clock.set(T0);
  await writer.write(insertChannelStatement(1, { name: 'ops', type, target: 'x', secret, language: opts.language ?? 'en', rateCap: 20 }, T0));
  const delivery = new Delivery({ db, writer, clock, externalURL: 'https://signage.example', smtp: { from: 'signage@example.org' }, timeoutMs: opts.timeoutMs });
  return { db, writer, clock, delivery, channel: (await getChannel(db, 1))! };
}

async function deliverOnce(type: ChannelType, script: Answer[], notice = firing) {
  const rx = await httpReceiver(script);
  const s = await setup(type, { url: `${rx.url}/hook/secret-token` }, { timeoutMs: 300 });
  const id = s.delivery.enqueue(1, null, notice);
  await s.delivery.runOnce();
  const item = (await getOutbox(s.db, id))!;
  await rx.close();
  s.db.close();
  return { rx, item, id };
}

test('webhook: the body is an Alertmanager v4 payload (schema-valid), keyed by the outbox id', async () => {
  const { rx, item, id } = await deliverOnce('webhook', [200]);
  assert.is(item.status, 'sent');
  assert.is(rx.received.length, 1);
  const body = JSON.parse(rx.received[0].body);
  assert.ok(validAm(body), JSON.stringify(validAm.errors));
  assert.is(body.status, 'firing');
  assert.is(body.alerts[0].labels.alertname, 'client-offline');
  assert.is(body.alerts[0].endsAt, '0001-01-01T00:00:00Z');
  assert.is(body.alerts[0].generatorURL, 'https://signage.example/clients/u1');
  assert.is(rx.received[0].headers['idempotency-key'], id);
  assert.is(rx.received[0].path, '/hook/secret-token');
});

test('chat bodies: Slack/Mattermost {text}, Discord {content}, Teams Adaptive Card, ntfy headers', async () => {
  for (const type of ['slack', 'mattermost'] as const) {
    const { rx } = await deliverOnce(type, [200]);
    assert.equal(Object.keys(JSON.parse(rx.received[0].body)), ['text']);
    assert.match(JSON.parse(rx.received[0].body).text, 'Lobby is offline');
  }
  const d = await deliverOnce('discord', [200]);
  assert.match(JSON.parse(d.rx.received[0].body).content, '[FIRING] Lobby is offline');
  const teams = JSON.parse((await deliverOnce('teams', [200])).rx.received[0].body);
  assert.is(teams.attachments[0].contentType, 'application/vnd.microsoft.card.adaptive');
  assert.is(teams.attachments[0].content.type, 'AdaptiveCard');
  const ntfy = (await deliverOnce('ntfy', [200])).rx.received[0];
  assert.is(ntfy.headers.priority, '4');
  assert.is(ntfy.headers.tags, 'warning');
  assert.is(ntfy.headers.click, 'https://signage.example');
  assert.match(String(ntfy.headers.title), /^=\?UTF-8\?B\?/);
  assert.match(ntfy.body, 'Lobby is offline');
});

test('500 twice then 200: three attempts, one delivery', async () => {
  const rx = await httpReceiver([500, 500, 200]);
  const s = await setup('webhook', { url: rx.url });
  const id = s.delivery.enqueue(1, null, firing);
  await s.delivery.runOnce();
  let item = (await getOutbox(s.db, id))!;
  assert.equal([item.status, item.attempts, item.lastStatus], ['pending', 1, 500]);
  await s.delivery.runOnce(); // not due yet: nothing happens
  assert.is(rx.received.length, 1);
  s.clock.increment(BACKOFF_MS[0]);
  await s.delivery.runOnce();
  s.clock.increment(BACKOFF_MS[1]);
  await s.delivery.runOnce();
  item = (await getOutbox(s.db, id))!;
  assert.equal([item.status, item.attempts, item.lastStatus, item.lastError], ['sent', 3, 200, null]);
  assert.is(rx.received.length, 3);
  assert.is(new Set(rx.received.map((r) => r.headers['idempotency-key'])).size, 1);
  s.clock.increment(BACKOFF_MS[5]);
  await s.delivery.runOnce();
  assert.is(rx.received.length, 3); // sent stays sent
  await rx.close();
});

test('bad receivers give clear errors: hanging (timeout), unreachable, 10 MB answer, redirect loop', async () => {
  const hang = await deliverOnce('webhook', ['hang']);
  assert.match(hang.item.lastError!, /no answer from 127\.0\.0\.1:\d+ within 0\.3 s/);
  const huge = await deliverOnce('webhook', ['huge']);
  assert.match(huge.item.lastError!, 'answered more than 1 MiB');
  const loop = await deliverOnce('webhook', ['redirect-loop']);
  assert.match(loop.item.lastError!, 'answered a redirect (HTTP 302)');
  assert.is(loop.rx.received.length, 1); // not followed
  const rx = await httpReceiver();
  const port = new URL(rx.url).port;
  await rx.close(); // nothing listens there now
  const s = await setup('webhook', { url: `http://127.0.0.1:${port}/hook/secret-token` });
  const id = s.delivery.enqueue(1, null, firing);
  await s.delivery.runOnce();
  const item = (await getOutbox(s.db, id))!;
  assert.match(item.lastError!, 'connection refused');
  for (const e of [hang, huge, loop].map((x) => x.item.lastError!).concat(item.lastError!)) assert.not.match(e, 'secret-token');
});

test('test send: status and latency, listed in the outbox', async () => {
  const rx = await httpReceiver([204]);
  const s = await setup('slack', { url: rx.url });
  const r = await s.delivery.test(s.channel);
  assert.equal([r.ok, r.status], [true, 204]);
  assert.type(r.latencyMs, 'number');
  const item = (await getOutbox(s.db, r.id))!;
  assert.equal([item.kind, item.status, item.attempts], ['test', 'sent', 1]);
  await rx.close();
});

test('e-mail: a real SMTP server receives text and HTML in the channel language; a wrong password is a clear error', async () => {
  const smtp = await smtpReceiver();
  const s = await setup('email', { to: 'it@school.example', smtpUrl: smtp.url }, { language: 'de' });
  s.delivery.enqueue(1, null, firing);
  await s.delivery.runOnce();
  assert.is(smtp.mails.length, 1);
  assert.equal(smtp.mails[0].to, ['it@school.example']);
  assert.is(smtp.mails[0].from, 'signage@example.org');
  assert.match(smtp.mails[0].raw, /Subject: =\?UTF-8\?Q\?\[AUSGEL=C3=96ST\]_Lobby_ist_offline\?=|Subject: .*AUSGEL/);
  assert.match(smtp.mails[0].raw, 'text/html');
  const bad = await setup('email', { to: 'it@school.example', smtpUrl: smtp.url.replace('right%20password', 'wrong') });
  const r = await bad.delivery.test(bad.channel);
  assert.is(r.ok, false);
  assert.match(r.error!, /^SMTP: .*535/);
  assert.not.match(r.error!, 'wrong');
  assert.is(smtp.mails.length, 1);
  await smtp.close();
});

test.run();
