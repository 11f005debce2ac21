import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openDatabase, type Db } from './client.ts';
import { migrate } from './migrate.ts';
import { insertHolidayStatement, listHolidays, planStatements } from './holidays.ts';
import { IdAllocator } from './ids.ts';
import { planHolidays } from '../lib/schedule/holidays.ts';

let db: Db;
test.before(async () => {
  db = await openDatabase('file::memory:');
  await migrate(db);
});
test.after(() => db.close());

test('a plan becomes statements that run as one batch: merged rows updated, absorbed rows deleted, new rows inserted', async () => {
  await db.batch([
    insertHolidayStatement(1, { name: 'Herbst', region: '', startDate: '2026-10-26', endDate: '2026-10-27' }, 0),
    insertHolidayStatement(2, { name: 'Herbst', region: '', startDate: '2026-10-30', endDate: '2026-10-31' }, 0),
  ], 'write');
  const plan = planHolidays(await listHolidays(db), [
    { name: 'herbst', region: '', startDate: '2026-10-28', endDate: '2026-10-29' },
    { name: 'Winter', region: 'W', startDate: '2027-02-01', endDate: '2027-02-06' },
  ]);
  const { statements, insertedIds } = await planStatements(new IdAllocator(db), plan, 0);
  await db.batch(statements, 'write');
  assert.equal(insertedIds, [3]);
  assert.equal((await listHolidays(db)).map((h) => [h.id, h.startDate, h.endDate]), [[1, '2026-10-26', '2026-10-31'], [3, '2027-02-01', '2027-02-06']]);
  assert.equal((await listHolidays(db, { from: '2027-01-01', to: '2027-02-01' })).map((h) => h.id), [3]);
});

test.run();
