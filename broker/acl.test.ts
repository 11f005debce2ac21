import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ACL_MATRIX, filterCovers, grantsFor, mayPublish, mayReceive, maySubscribe, topicMatches, type Principal } from './acl.ts';
import { SUBSCRIPTIONS, topics } from './topics.ts';

const A = '9b8d1856-ff34-4864-a726-12de072d0f77';
const B = '11111111-1111-4111-8111-111111111111';
const server: Principal = { role: 'server' };
const devA: Principal = { role: 'device', uuid: A, groupId: 4 };

test('the server subscribe rows are exactly what the server subscribes to (topics.ts)', () => {
  const rows = ACL_MATRIX.filter((r) => r.actor === 'server' && r.access === 'subscribe').map((r) => r.topic);
  assert.equal(rows.sort(), [...SUBSCRIPTIONS].sort());
  for (const f of SUBSCRIPTIONS) assert.ok(maySubscribe(server, f), f);
});

test('every client → server topic builder is publishable by its own device, and readable by the server', () => {
  const own = [topics.discovery, topics.heartbeat(A), topics.health(A), topics.log(A, 'ERROR'), topics.log(A, 'WARN'), topics.log(A, 'INFO'),
    topics.serviceFailed(A), topics.ack(A), topics.ackAlias(A), topics.dashboard(A), topics.screenshot(A)];
  for (const t of own) {
    assert.ok(mayPublish(devA, t, 10), t);
    assert.ok(mayReceive(server, t), t);
  }
  for (const t of own.slice(1)) assert.not.ok(mayPublish({ role: 'device', uuid: B, groupId: 4 }, t, 10), `B on ${t}`);
});

test('every server → client topic is publishable by the server and readable only by its device / group', () => {
  const toA = [topics.commands(A), topics.commandAlias(A), topics.legacyRestart(A), topics.groupId(A), topics.discoveryAck(A), topics.events(4), topics.powerIntent(4)];
  for (const t of toA) {
    assert.ok(mayPublish(server, t, 10), t);
    assert.ok(maySubscribe(devA, t) && mayReceive(devA, t), t);
    assert.not.ok(maySubscribe({ role: 'device', uuid: B, groupId: 5 }, t), `B on ${t}`);
    assert.not.ok(mayPublish(devA, t, 10), `device publishing ${t}`);
  }
});

test('service_failed: the server may only clear it (empty payload)', () => {
  assert.ok(mayPublish(server, topics.serviceFailed(A), 0));
  assert.not.ok(mayPublish(server, topics.serviceFailed(A), 5));
  assert.ok(mayPublish(devA, topics.serviceFailed(A), 120), 'the device itself publishes the notice');
});

test('group rows follow the current group and vanish without one', () => {
  assert.ok(mayReceive(devA, 'infoscreen/events/4'));
  assert.not.ok(mayReceive({ ...devA, groupId: 5 }, 'infoscreen/events/4'));
  const none: Principal = { role: 'device', uuid: A, groupId: null };
  assert.not.ok(grantsFor(none, 'subscribe').some((g) => g.topic.includes('events') || g.topic.includes('groups')));
  assert.not.ok(maySubscribe(none, 'infoscreen/events/null'));
});

test('deny by default: wildcards, other prefixes, $SYS', () => {
  for (const f of ['#', '+/#', 'infoscreen/#', `infoscreen/${A}/#`, 'infoscreen/+/commands', 'infoscreen/events/+', '$SYS/#']) {
    assert.not.ok(maySubscribe(devA, f), f);
  }
  assert.not.ok(maySubscribe(server, '#'));
  assert.not.ok(maySubscribe(server, 'infoscreen/+/commands'), 'the server does not read its own commands');
  assert.not.ok(mayPublish(devA, 'foo/bar', 1));
  assert.not.ok(mayPublish(server, topics.heartbeat(A), 1));
});

test('topicMatches and filterCovers (MQTT 3.1.1 §4.7)', () => {
  assert.ok(topicMatches('a/+/c', 'a/b/c'));
  assert.ok(topicMatches('a/#', 'a/b/c'));
  assert.ok(topicMatches('a/#', 'a'));
  assert.not.ok(topicMatches('a/+', 'a/b/c'));
  assert.not.ok(topicMatches('+/x', '$SYS/x'));
  assert.ok(filterCovers('a/+/c', 'a/b/c'));
  assert.ok(filterCovers('a/+/c', 'a/+/c'));
  assert.ok(filterCovers('a/#', 'a/+/c'));
  assert.ok(filterCovers('a/#', 'a/b/#'));
  assert.not.ok(filterCovers('a/+/c', 'a/#'));
  assert.not.ok(filterCovers('a/b/c', 'a/+/c'));
  assert.not.ok(filterCovers('a/+', 'a/b/c'));
  assert.ok(maySubscribe(server, `infoscreen/${A}/logs/error`), 'a narrower filter inside a grant');
});

test.run();
