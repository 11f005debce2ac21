/**
 * A screen's routes right after its discovery (docs/http.md "Client routes"; issue 15 item 3), over
 * the embedded broker: once the discovery_ack is out, every client route knows the screen at once
 * (its actor is created before the ack is published), under its UUID in any case, as MQTT takes it.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MqttClient } from 'mqtt';
import { collect, device, embeddedTarget, guardedSetup, pub, startHarness, tempDir, waitFor, type Harness, type TempDir } from '../testing/helpers.ts';

const s = suite('client routes right after discovery');
let dir: TempDir;
let h: Harness;
let dev: MqttClient;

guardedSetup(s, async () => {
  dir = tempDir();
  h = await startHarness(dir.dir, embeddedTarget());
  dev = await device(h.url);
});
s.after(async () => {
  await dev?.endAsync(true).catch(() => {});
  await h?.close();
  dir?.remove();
});

/** Publishes a discovery as `announced` and resolves with the ack (always on the lower-case topic). */
async function discover(announced: string): Promise<{ uuid: string }> {
  const acks = await collect(dev, `infoscreen/${announced.toLowerCase()}/discovery_ack`);
  await pub(dev, 'infoscreen/discovery', { uuid: announced, hostname: 'e2e-screen', ip: '10.0.0.9' });
  const ack = await waitFor(() => acks[0], 'the discovery_ack');
  return JSON.parse(ack.payload.toString());
}

const status = async (path: string) => (await h.rt.app.request(path, { headers: { cookie: h.cookie } })).status;

/** Every client route, the command first (what the tester sent 3–6 s after the ack). */
async function everyRoute(spelling: string) {
  const restart = await h.send('POST', `/api/clients/${spelling}/restart`, { reason: 'right after discovery' });
  const got: Record<string, number> = { restart: restart.status };
  for (const [name, path] of Object.entries({
    client: `/api/clients/${spelling}`,
    commands: `/api/clients/${spelling}/commands`,
    logs: `/api/client-logs/${spelling}/logs`,
    page: `/clients/${spelling}`,
  }))
    got[name] = await status(path);
  return { got, restart: restart.body };
}

const ALL_OK = { restart: 202, client: 200, commands: 200, logs: 200, page: 200 };

s('a command at once after the discovery_ack is issued, and every route knows the screen', async () => {
  const uuid = 'd15c0000-0000-4000-8000-000000000001';
  assert.is((await discover(uuid)).uuid, uuid);
  const { got, restart } = await everyRoute(uuid);
  assert.equal(got, ALL_OK);
  assert.is(restart.command.clientUuid, uuid);
});

s('a screen that announced an upper-case UUID is found under both spellings', async () => {
  const announced = 'D15C0000-0000-4000-8000-00000000000B';
  const uuid = announced.toLowerCase();
  assert.is((await discover(announced)).uuid, uuid, 'the ack names the canonical lower-case UUID');
  const upper = await everyRoute(announced);
  assert.equal(upper.got, ALL_OK, 'the spelling the screen used');
  assert.is(upper.restart.command.clientUuid, uuid);
  assert.is((await h.get(`/api/clients/${uuid}`)).body.uuid, uuid);
  assert.is(await status('/api/clients/not-a-uuid'), 404, 'anything but a UUID is still no client');
  assert.is(await status('/api/clients/d15c0000-0000-4000-8000-0000000000ff'), 404, 'an unknown UUID too');
});

s.run();
