import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openDatabase, type Db } from './client.ts';
import { migrate } from './migrate.ts';
import { deleteEventStatements, exceptionStatement, getEvent, insertEventStatement, listEvents } from './events.ts';
import { deleteGroupStatements, insertGroupStatement, listGroups, orderStatements } from './groups.ts';
import { IdAllocator } from './ids.ts';
import type { EventDraft } from '../lib/schedule/types.ts';

let db: Db;
const T = Date.parse('2026-03-02T10:00:00Z');
const draft = (p: Partial<EventDraft> = {}): EventDraft => ({
  groupId: 1, title: 'News', description: null, eventType: 'presentation', start: T, end: T + 3_600_000, timezone: 'Europe/Vienna',
  recurrenceRule: 'FREQ=DAILY', skipHolidays: true, isActive: true,
  fields: { presentation: { files: ['https://x/a.pdf'], slideInterval: null, pageProgress: false, autoProgress: null } }, ...p,
});

test.before(async () => {
  db = await openDatabase('file::memory:');
  await migrate(db);
});
test.after(() => db.close());

test('ids: allocated up front, never reused after a delete (the AUTOINCREMENT sequence)', async () => {
  const ids = new IdAllocator(db);
  const a = await ids.next('groups');
  await db.execute(insertGroupStatement(a, { name: 'A', description: null, displayOrder: 0 }, T));
  const b = await ids.next('groups');
  await db.execute(insertGroupStatement(b, { name: 'B', description: 'd', displayOrder: 1 }, T));
  assert.equal([a, b], [1, 2]);
  await db.batch(deleteGroupStatements(b), 'write');
  assert.is(await ids.next('groups'), 3);
  const fresh = await openDatabase('file::memory:');
  await migrate(fresh);
  assert.is(await new IdAllocator(fresh).next('groups'), 1, 'per database');
  fresh.close();
});

test('events round-trip with their exceptions; deleting a detached event turns its exception into a skip', async () => {
  await db.batch([
    insertEventStatement(10, draft(), T),
    insertEventStatement(11, draft({ recurrenceRule: null, start: T + 86_400_000, end: T + 90_000_000, title: 'Moved' }), T, { eventId: 10, occurrence: T + 86_400_000 }),
    exceptionStatement(10, T + 86_400_000, 'detached', 11, T),
    exceptionStatement(10, T + 2 * 86_400_000, 'skipped', null, T),
    exceptionStatement(10, T + 2 * 86_400_000, 'skipped', null, T), // twice: no conflict
  ], 'write');
  const ev = (await getEvent(db, 10))!;
  assert.equal([ev.title, ev.start, ev.end, ev.recurrenceRule, ev.skipHolidays, ev.fields], ['News', T, T + 3_600_000, 'FREQ=DAILY', true, draft().fields]);
  assert.equal(ev.exceptions, [
    { occurrence: T + 86_400_000, kind: 'detached', detachedEventId: 11 },
    { occurrence: T + 2 * 86_400_000, kind: 'skipped', detachedEventId: null },
  ]);
  assert.equal((await getEvent(db, 11))!.detachedFrom, { eventId: 10, occurrence: T + 86_400_000 });
  assert.equal((await listEvents(db, { groupId: 1 })).map((e) => e.id), [10, 11]);
  await db.batch(deleteEventStatements(11), 'write');
  assert.equal((await getEvent(db, 10))!.exceptions.map((x) => x.kind), ['skipped', 'skipped']);
});

test('groups: order statements; deleting a group deletes its events and their exceptions', async () => {
  const c = await new IdAllocator(db).next('groups');
  await db.execute(insertGroupStatement(c, { name: 'C', description: null, displayOrder: 5 }, T));
  await db.batch(orderStatements([c, 1], T), 'write');
  assert.equal((await listGroups(db)).map((g) => [g.name, g.displayOrder]), [['C', 0], ['A', 1]]);
  await db.batch(deleteGroupStatements(1), 'write');
  assert.equal(await listEvents(db), []);
  assert.is((await db.execute('SELECT COUNT(*) AS n FROM event_exceptions')).rows[0].n, 0);
});

test.run();
