import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Db } from './client.ts';
import type { BatchedWriter } from './writer.ts';
import { memoryDb } from '../testing/db.ts';
import { deleteSettingStatement, getSetting, listSettings, setSettingsStatements } from './settings.ts';

let db: Db;
let writer: BatchedWriter;
test.before(async () => {
  ({ db, writer } = await memoryDb());
});
test.after(() => db.close());

test('set (upsert), get, list, delete', async () => {
  assert.is(await getSetting(db, 'supplement_table_url'), null);
  await writer.write(...setSettingsStatements({ supplement_table_url: 'https://a', video_volume: '0.8', empty: null }, 1));
  await writer.write(...setSettingsStatements({ supplement_table_url: 'https://b' }, 2));
  assert.is(await getSetting(db, 'supplement_table_url'), 'https://b');
  assert.equal(await listSettings(db), { empty: null, supplement_table_url: 'https://b', video_volume: '0.8' });
  await writer.write(deleteSettingStatement('video_volume'));
  assert.equal(Object.keys(await listSettings(db)), ['empty', 'supplement_table_url']);
});

test.run();
