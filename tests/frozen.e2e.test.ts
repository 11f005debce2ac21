/**
 * Server-detected FROZEN end to end (docs/clients-screens.md "Frozen screens"), over the embedded
 * broker: a video event scheduled over the API makes the client expect a moving picture; two
 * identical periodic screenshots → FROZEN; the device's health report (screen OK) → still FROZEN,
 * also after a restart of the whole server; a different screenshot → cleared.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MqttClient } from 'mqtt';
import { examples, UUID } from '../testing/broker-fixtures.ts';
import { topics } from '../broker/topics.ts';
import { device, embeddedTarget, guardedSetup, pub, startHarness, tempDir, waitFor, type Harness, type TempDir } from '../testing/helpers.ts';

const s = suite('FROZEN from identical screenshots over the embedded broker');
const JPEG_A = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x01, 0x03, 0xff, 0xd9]);
const JPEG_B = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x01, 0x04, 0xff, 0xd9]);
const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

let tmp: TempDir;
let h: Harness;
let dev: MqttClient;

const client = () => h.rt.fleet.get(UUID);
const shot = (jpeg: Uint8Array) => pub(dev, topics.screenshot(UUID), { ...examples.screenshot, image: b64(jpeg) });
let reports = 0;
/** A health report with screen `screen`; resolves once the actor applied it (its reconnect count is unique). */
const health = async (screen: string) => {
  const n = ++reports + 100;
  await pub(dev, topics.health(UUID), {
    ...examples.health,
    health_metrics: { ...examples.health.health_metrics, screen_status: screen },
    broker_connection: { ...examples.health.broker_connection, reconnect_count: n },
  });
  await waitFor(() => client()?.mqttReconnectCount === n, 'the health report applied');
};
/** Waits until the client's latest screenshot is newer than `after` (the store compared it). */
const shotSeen = (after: number | null) => waitFor(() => (client()?.latestScreenshotAt ?? 0) > (after ?? 0), 'the screenshot');

guardedSetup(s, async () => {
  tmp = tempDir('infoscreen-e2e-frozen-');
  h = await startHarness(tmp.dir, embeddedTarget());
  dev = await device(h.url);
});
s.after(async () => {
  await dev?.endAsync().catch(() => {});
  await h?.close();
  tmp?.remove();
});

s('identical screenshots during a video → FROZEN; health OK keeps it, also across a restart; a new picture clears it', async () => {
  await pub(dev, topics.heartbeat(UUID), { current_process: 'vlc', process_pid: 7, process_status: 'running', current_event_id: null });
  await waitFor(client, 'the client');
  const g = await h.send('POST', '/api/groups', { name: 'Foyer' });
  assert.is((await h.send('PUT', '/api/clients/group', { uuids: [UUID], group_id: g.body.id })).status, 200);
  const now = Date.now();
  const ev = await h.send('POST', '/api/events', {
    groupId: g.body.id, title: 'Loop', eventType: 'video', start: new Date(now - 60_000).toISOString(), end: new Date(now + 3_600_000).toISOString(),
    video: { url: 'https://example.org/loop.mp4' },
  });
  assert.is(ev.status, 201, JSON.stringify(ev.body));
  await waitFor(() => client()?.expectedEventId === String(ev.body.id), 'the expected video');
  await health('OK');
  await waitFor(() => client()?.screenHealthStatus === 'OK', 'screen OK');

  await shot(JPEG_A);
  await shotSeen(null);
  assert.is(client()?.screenHealthStatus, 'OK', 'one screenshot compares to nothing');
  const first = client()!.latestScreenshotAt;
  await shot(JPEG_A);
  await waitFor(() => client()?.screenHealthStatus === 'FROZEN', 'FROZEN from identical screenshots');
  assert.ok(client()!.statusReasons.includes('screen_frozen'));
  assert.ok(client()!.latestScreenshotAt! > first!);

  await health('OK');
  assert.is(client()?.screenHealthStatus, 'FROZEN', "the device's OK does not overwrite what the server saw");
  assert.is((await h.get(`/api/clients/${UUID}`)).body.screenHealthStatus, 'FROZEN');

  // Restart: the detected state comes back from the database, the digest from the stored history.
  await dev.endAsync();
  await h.close();
  h = await startHarness(tmp.dir, embeddedTarget());
  dev = await device(h.url);
  await waitFor(() => client()?.expectedEventId === String(ev.body.id), 'the expected video after the restart');
  assert.is(client()?.screenHealthStatus, 'FROZEN', 'still FROZEN after the restart');
  await health('OK');
  assert.is(client()?.screenHealthStatus, 'FROZEN', 'health OK after the restart: still FROZEN');
  const latest = client()!.latestScreenshotAt;
  await shot(JPEG_A);
  await shotSeen(latest);
  assert.is(client()?.screenHealthStatus, 'FROZEN', 'the same picture after the restart: still FROZEN');

  await shot(JPEG_B);
  await waitFor(() => client()?.screenHealthStatus === 'OK', 'a different screenshot clears it (the reported OK shows again)');
  assert.not.ok(client()!.statusReasons.includes('screen_frozen'));
});

s.run();
