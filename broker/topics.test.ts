/** Topic parsing and builders (docs/mqtt.md topic tables). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseTopic, SUBSCRIPTIONS, topics } from './topics.ts';

const U = '9b8d1856-ff34-4864-a726-12de072d0f77';
const UPPER = U.toUpperCase();

test('valid client → server topics', () => {
  const table: Array<[string, unknown]> = [
    ['infoscreen/discovery', { kind: 'discovery' }],
    [`infoscreen/${U}/heartbeat`, { kind: 'heartbeat', uuid: U }],
    [`infoscreen/${U}/health`, { kind: 'health', uuid: U }],
    [`infoscreen/${U}/service_failed`, { kind: 'service_failed', uuid: U }],
    [`infoscreen/${U}/dashboard`, { kind: 'dashboard', uuid: U }],
    [`infoscreen/${U}/screenshot`, { kind: 'screenshot', uuid: U }],
    [`infoscreen/${U}/commands/ack`, { kind: 'ack', uuid: U }],
    [`infoscreen/${U}/command/ack`, { kind: 'ack', uuid: U }], // compat alias
    [`infoscreen/${U}/logs/error`, { kind: 'log', uuid: U, level: 'ERROR' }],
    [`infoscreen/${U}/logs/warn`, { kind: 'log', uuid: U, level: 'WARN' }],
    [`infoscreen/${U}/logs/info`, { kind: 'log', uuid: U, level: 'INFO' }],
    [`infoscreen/${U}/logs/debug`, { kind: 'log', uuid: U, level: 'DEBUG' }],
    [`infoscreen/${UPPER}/heartbeat`, { kind: 'heartbeat', uuid: U }], // any case on the wire, lower-cased
  ];
  for (const [topic, expected] of table) assert.equal(parseTopic(topic), expected, topic);
});

test('rejected topics: bad uuid, wrong or extra levels, server → client topics', () => {
  const bad = [
    '',
    'infoscreen',
    'infoscreen/',
    'infoscreen/discovery/extra',
    'Infoscreen/discovery',
    'other/discovery',
    `/infoscreen/${U}/heartbeat`,
    'infoscreen/not-a-uuid/heartbeat',
    `infoscreen/${U.slice(0, -1)}/heartbeat`,
    `infoscreen/${U}x/heartbeat`,
    `infoscreen/${U.replace(/-/g, '')}/heartbeat`,
    `infoscreen/{${U}}/heartbeat`,
    'infoscreen/+/heartbeat',
    `infoscreen/${U}/heartbeat/extra`,
    `infoscreen/${U}/heartbeat/`,
    `infoscreen/${U}/Heartbeat`,
    `infoscreen/${U}`,
    `infoscreen/${U}/logs`,
    `infoscreen/${U}/logs/fatal`,
    `infoscreen/${U}/logs/ERROR`,
    `infoscreen/${U}/logs/error/x`,
    `infoscreen/${U}/ack`,
    `infoscreen/${U}/commands`,
    `infoscreen/${U}/commands/ack/x`,
    `infoscreen/${U}/group_id`,
    `infoscreen/${U}/discovery_ack`,
    'infoscreen/events/3',
    'infoscreen/groups/3/power/intent',
    `clients/${U}/restart`,
    `infoscreen/${U}/constructor`,
    `infoscreen/${U}/logs/__proto__`,
  ];
  for (const t of bad) assert.is(parseTopic(t), null, t);
});

test('server → client builders (docs/mqtt.md "Server → client")', () => {
  assert.is(topics.commands(U), `infoscreen/${U}/commands`);
  assert.is(topics.commandAlias(U), `infoscreen/${U}/command`);
  assert.is(topics.legacyRestart(U), `clients/${U}/restart`);
  assert.is(topics.groupId(U), `infoscreen/${U}/group_id`);
  assert.is(topics.discoveryAck(U), `infoscreen/${U}/discovery_ack`);
  assert.is(topics.events(7), 'infoscreen/events/7');
  assert.is(topics.powerIntent(7), 'infoscreen/groups/7/power/intent');
  assert.is(topics.serviceFailed(U), `infoscreen/${U}/service_failed`);
  assert.is(topics.groupId(UPPER), `infoscreen/${U}/group_id`, 'canonical lower-case');
});

test('builders refuse anything that could address other topics', () => {
  assert.throws(() => topics.groupId('+'));
  assert.throws(() => topics.commands(`${U}/#`));
  assert.throws(() => topics.events(-1));
  assert.throws(() => topics.events(1.5));
});

test('client → server builders round-trip through parseTopic; subscriptions cover them', () => {
  const built = [topics.heartbeat(U), topics.health(U), topics.log(U, 'WARN'), topics.ack(U), topics.ackAlias(U), topics.dashboard(U), topics.screenshot(U), topics.serviceFailed(U)];
  for (const t of built) assert.ok(parseTopic(t), t);
  assert.equal(parseTopic(topics.log(U, 'WARN')), { kind: 'log', uuid: U, level: 'WARN' });
  const matches = (filter: string, topic: string) =>
    new RegExp(`^${filter.replace(/\+/g, '[^/]+').replace(/\/#$/, '(/.*)?')}$`).test(topic);
  for (const t of [...built, topics.discovery]) assert.ok(SUBSCRIPTIONS.some((f) => matches(f, t)), `subscribed: ${t}`);
  assert.is(SUBSCRIPTIONS.length, 9);
});

test('parseTopic: a repeated topic is parsed once (the same frozen value); an over-long one is answered but never kept', () => {
  const t = 'infoscreen/5e1f0000-aaaa-4bbb-8ccc-0000000b0057/logs/warn';
  const first = parseTopic(t);
  assert.ok(first && Object.isFrozen(first));
  assert.is(parseTopic(t), first);
  const long = `infoscreen/${'x'.repeat(200)}/health`;
  assert.is(parseTopic(long), null);
  assert.is(parseTopic('infoscreen/5E1F0000-AAAA-4BBB-8CCC-0000000B0057/health')?.kind, 'health');
});

test.run();
