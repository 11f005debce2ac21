import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DueClientRows } from './writer.client-rows.ts';

const upsert = (uuid: string) => ({ sql: 'x', args: [uuid] });
const taken = (rows: DueClientRows, now: number, all = false) => rows.take(all, now, upsert).uuids;

test('freshness is due exactly freshnessMs after the last write, never earlier (not even inside its bucket)', () => {
  const rows = new DueClientRows(30_000);
  rows.mark('a', true, 1_000);
  assert.equal(taken(rows, 1_000), ['a']);
  rows.written(['a'], 1_000);
  rows.mark('a', false, 1_050);
  assert.equal(taken(rows, 30_999), []);
  assert.equal(taken(rows, 31_000), ['a']);
});

test('an urgent mark moves a waiting freshness row forward; a later freshness mark does not push it back', () => {
  const rows = new DueClientRows(30_000);
  rows.written(['a', 'b'], 0);
  rows.mark('a', false, 10);
  rows.mark('b', false, 10);
  rows.mark('a', true, 20);
  rows.mark('a', false, 25);
  assert.equal(taken(rows, 25), ['a']);
  assert.is(rows.size, 1);
  assert.equal(taken(rows, 25, true), ['b'], 'all: every row, due or not');
  assert.is(rows.size, 0);
});

test('forget drops a waiting row; gone clients (no statement) are skipped', () => {
  const rows = new DueClientRows(1_000);
  rows.mark('a', true, 0);
  rows.mark('b', true, 0);
  rows.forget('a');
  assert.equal(rows.take(false, 0, (u) => (u === 'b' ? null : upsert(u))).uuids, []);
  assert.is(rows.size, 0);
});

test.run();
