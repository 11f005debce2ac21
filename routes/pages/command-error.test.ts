import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixture, UUID_A, UUID_B, type Fixture } from '../../testing/route-fixture.ts';
import { upsertCommandStatement } from '../../db/commands.ts';
import { get } from '../../testing/admin-pages.ts';

// One language on a page (issue 15 item 4): a command's failure reason is a code the page
// translates; the English text stays in the JSON API only.
let f: Fixture;
let admin: string;
const de = { 'accept-language': 'de-AT,de;q=0.9' };

test.before(async () => {
  f = await fixture();
  admin = await f.login('admin');
  const t = f.clock.t;
  f.fleet.put({ uuid: UUID_A, hostname: 'raum-101', status: 'offline', connectivity: 'offline', statusReasons: ['heartbeat_stale'], lastAlive: t - 600_000 }, t);
  f.fleet.put({ uuid: UUID_B, hostname: 'aula', status: 'healthy', connectivity: 'online', statusReasons: [], lastAlive: t }, t);
});
test.after(async () => {
  await f.close();
});

test('a command to an offline screen times out: the German pages say why in German, the API keeps English', async () => {
  const { command } = f.commands.issue({ uuid: UUID_A, action: 'restart_app', reason: 'Test', requestedBy: f.ids.admin });
  await f.commands.settledPublish(command.commandId); // published (the recording publisher answers at once)
  f.commandClock.increment(20_000); // no accepted ack within the ack stage
  await f.writer.settled();
  const settled = await (await get(f.app, `/api/clients/commands/${command.commandId}`, admin)).json();
  assert.is(settled.status, 'timed_out');
  await f.writer.settled();
  for (const path of [`/clients/${UUID_A}`, `/commands`]) {
    const html = await (await get(f.app, path, admin, de)).text();
    assert.match(html, /keine Bestätigung vom Bildschirm \(offline\?\)/, path);
    assert.not.match(html, /no acknowledgement|acknowledgement from the client/, path);
  }
  const api = await (await get(f.app, `/api/clients/commands/${command.commandId}`, admin)).json();
  assert.is(api.errorCode, 'stage_timeout');
  assert.match(api.errorMessage, /no acknowledgement from the client/);
});

test("rows stored before reason codes (English text only) still read in German; a screen's own message is quoted", async () => {
  const t = f.clock.t;
  const base = {
    commandId: crypto.randomUUID(), clientUuid: UUID_B, action: 'reboot_host' as const, reason: 'alt', requestedBy: null,
    issuedAt: t, expiresAt: t + 240_000, publishedAt: t, ackedAt: null, executionStartedAt: null, completedAt: null,
    stageDeadline: null, lastSeenAt: null, bulkRunId: null, createdAt: t, updatedAt: t,
  };
  await f.writer.write(
    upsertCommandStatement({ ...base, status: 'timed_out', failedAt: t, errorCode: 'stage_timeout', errorMessage: 'the client did not come back after the reboot' }),
    upsertCommandStatement({ ...base, commandId: crypto.randomUUID(), status: 'failed', failedAt: t, errorCode: 'execution_failed', errorMessage: 'systemctl exited 1' }),
    upsertCommandStatement({ ...base, commandId: crypto.randomUUID(), status: 'timed_out', failedAt: t, errorCode: 'stage_timeout', errorMessage: 'some wording of long ago' }),
  );
  const html = await (await get(f.app, `/clients/${UUID_B}`, admin, de)).text();
  assert.match(html, /der Bildschirm ist nach dem Neustart nicht zurückgekommen/);
  assert.not.match(html, /did not come back/);
  assert.match(html, /der Bildschirm meldet: systemctl exited 1/);
  assert.match(html, /some wording of long ago/, 'an unknown old text is still shown');
  const en = await (await get(f.app, `/clients/${UUID_B}`, admin, { 'accept-language': 'en' })).text();
  assert.match(en, /the screen did not come back after the reboot/);
});

test.run();
