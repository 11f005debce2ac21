/** Defaults as starting values: filling open fields, and freezing events stored with open fields (real libSQL). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openDatabase } from '../../db/client.ts';
import { migrate } from '../../db/migrate.ts';
import { getEvent } from '../../db/events.ts';
import { freezeOpenDefaults, withDefaults } from './event-defaults.ts';
import { settingValues } from '../../lib/schedule/settings.ts';

test('withDefaults fills only what is open, and only for the event type', () => {
  const s = settingValues({ video_volume: '0.25' });
  assert.equal(withDefaults('video', { video: { url: 'u', autoplay: false, loop: null, volume: null, muted: null } }, s).video, { url: 'u', autoplay: false, loop: true, volume: 0.25, muted: false });
  const web = { website: { url: null } };
  assert.is(withDefaults('webuntis', web, s), web, 'webuntis keeps following supplement_table_url');
  const full = { presentation: { files: [], slideInterval: 5, pageProgress: false, autoProgress: false } };
  assert.is(withDefaults('presentation', full, s), full);
});

test('events stored with open fields get the defaults of now, once', async () => {
  const db = await openDatabase(':memory:');
  await migrate(db);
  await db.execute("INSERT INTO settings (key, value, updated_at) VALUES ('presentation_interval', '42', 'x')");
  await db.execute(`INSERT INTO events (id, group_id, title, event_type, start_at, end_at, timezone, fields, created_at, updated_at)
    VALUES (7, 1, 'Old', 'presentation', '2026-03-02T07:00:00Z', '2026-03-02T08:00:00Z', 'Europe/Vienna',
    '{"presentation":{"files":["a.pdf"],"slideInterval":null,"pageProgress":null,"autoProgress":false}}', 'x', 'x')`);
  const statements = await freezeOpenDefaults(db);
  assert.is(statements.length, 1);
  await db.batch(statements, 'write');
  assert.equal((await getEvent(db, 7))!.fields.presentation, { files: ['a.pdf'], slideInterval: 42, pageProgress: true, autoProgress: false });
  assert.is((await freezeOpenDefaults(db)).length, 0, 'nothing open any more');
  db.close();
});

test.run();
