/** Drop counters: totals, per reason, bounded per client, one log line per client per minute. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DropCounter } from './drops.ts';
import type { Logger } from '../lib/logger.ts';

function setup(maxClients = 3) {
  const lines: string[] = [];
  const log: Logger = { info: () => {}, warn: (m) => lines.push(m), error: (m) => lines.push(m) };
  const clock = { t: 1_000_000 };
  const drops = new DropCounter({ maxClients, now: () => clock.t, log });
  return { drops, lines, clock };
}

test('counts total, per reason and per client; snapshot holds aggregates only', () => {
  const { drops, clock } = setup();
  drops.record('bad_json', 'a', 'not JSON');
  drops.record('bad_json', 'a');
  drops.record('too_large', 'b', '2 MB');
  clock.t += 5;
  drops.record('bad_topic', null, 'x/y');
  const s = drops.snapshot();
  assert.equal(s, {
    total: 4,
    byReason: { bad_topic: 1, bad_json: 2, bad_payload: 0, too_large: 1, handler_error: 0 },
    lastAt: 1_000_005,
    clients: 2,
  });
  assert.not.ok(JSON.stringify(s).includes('"a"'), 'no client ids in the unauthenticated snapshot');
  const a = drops.forClient('a')!;
  assert.is(a.total, 2);
  assert.is(a.lastReason, 'bad_json');
  assert.is(a.lastDetail, null);
  assert.equal(drops.topClients().map((c) => c.uuid), ['a', 'b']);
  s.byReason.bad_json = 99;
  assert.is(drops.snapshot().byReason.bad_json, 2, 'snapshot is a copy');
});

test('per-client map is bounded: the least recently dropping client is evicted', () => {
  const { drops } = setup(3);
  for (const id of ['a', 'b', 'c']) drops.record('bad_payload', id);
  drops.record('bad_payload', 'a'); // a is now most recent
  drops.record('bad_payload', 'd'); // evicts b
  assert.is(drops.snapshot().clients, 3);
  assert.is(drops.forClient('b'), null);
  assert.ok(drops.forClient('a'));
  assert.is(drops.snapshot().total, 5, 'totals keep counting');
});

test('logs at most once per client per minute; unattributed drops share one key', () => {
  const { drops, lines, clock } = setup();
  drops.record('bad_json', 'a');
  drops.record('bad_json', 'a');
  drops.record('bad_payload', 'b');
  drops.record('bad_topic', null);
  drops.record('bad_topic', null);
  assert.is(lines.length, 3);
  clock.t += 59_999;
  drops.record('bad_json', 'a');
  assert.is(lines.length, 3);
  clock.t += 1;
  drops.record('bad_json', 'a');
  assert.is(lines.length, 4);
  assert.match(lines[3], /from a: bad_json/);
});

test.run();
