/**
 * Crash auto-recovery end to end (docs/commands.md "Crash auto-recovery", CRASH_RECOVERY_ENABLED=true)
 * over the real embedded broker: a simulated client (scripts/sim/virtual-client.ts) reports its
 * player crashed while it keeps talking; the server publishes `restart_app` with
 * `requested_by: null` and reason `process_crashed` on the client's command topics; the client acks,
 * restarts the player and completes; the client's recovery goes idle again. The ladder's other
 * steps, the lockout and restore are covered on a simulated clock in actors/.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { MqttClient } from 'mqtt';
import { topics } from '../broker/topics.ts';
import { VirtualClient } from '../scripts/sim/virtual-client.ts';
import { device, embeddedTarget, startHarness, tempDir, waitFor, type Harness, type TempDir } from '../testing/helpers.ts';

const schema = JSON.parse(readFileSync(new URL('../broker/command.schema.json', import.meta.url), 'utf8'));
const ajv = new (Ajv2020 as any)({ strict: false });
(addFormats as any)(ajv);
ajv.addSchema(schema);
const validateCommand = ajv.getSchema('infoscreen/command.schema.json#/$defs/command');

const UUID = 'c4a50000-0000-4000-8000-000000000001';
let dir: TempDir;
let h: Harness;
let watcher: MqttClient;
let sim: VirtualClient;

test.before(async () => {
  dir = tempDir();
  h = await startHarness(dir.dir, embeddedTarget(), { CRASH_RECOVERY_ENABLED: 'true', POLL_INTERVAL_SECONDS: '1' });
});

test.after(async () => {
  await sim?.stop();
  await watcher?.endAsync().catch(() => {});
  await h?.close();
  dir?.remove();
});

test('crashed client → restart_app (requested_by null) on its command topic → acked, completed → recovered', async () => {
  watcher = await device(h.url);
  const wire: Array<{ topic: string; payload: any }> = [];
  watcher.on('message', (topic, payload) => wire.push({ topic, payload: JSON.parse(payload.toString()) }));
  await watcher.subscribeAsync([topics.commands(UUID), topics.commandAlias(UUID)], { qos: 1 });
  const recovery: string[] = []; // the client's recovery state at each change
  h.rt.bus.on((e) => {
    if (e.type !== 'client-changed' || e.uuid !== UUID) return;
    const state = h.rt.supervisor.get(UUID)?.recoveryState;
    if (state && state !== recovery.at(-1)) recovery.push(state);
  });

  sim = new VirtualClient({ uuid: UUID, url: h.url, speed: 10 });
  await sim.start();
  await waitFor(() => h.rt.supervisor.get(UUID)?.processStatus === 'running', 'the client running');
  assert.is(wire.length, 0, 'a healthy client gets no command');

  sim.state.status = 'crashed'; // the player died; the client keeps reporting it (health every 0.5 s)
  sim.publishHealth();

  const sent = await waitFor(() => wire.find((m) => m.topic === topics.commands(UUID)), 'restart_app on the command topic');
  assert.is(sent.payload.action, 'restart_app');
  assert.is(sent.payload.requested_by, null);
  assert.is(sent.payload.reason, 'process_crashed');
  assert.is(sent.payload.client_uuid, UUID);
  assert.ok(validateCommand(sent.payload), JSON.stringify(validateCommand.errors));
  await waitFor(() => wire.some((m) => m.topic === topics.commandAlias(UUID)), 'the same command on the compat topic');

  const id = sent.payload.command_id as string;
  const done = await waitFor(async () => {
    const c = (await h.get(`/api/clients/commands/${id}`)).body;
    return c.status === 'completed' ? c : null;
  }, 'the restart_app completed');
  assert.is(done.requestedBy, null);
  const client = await waitFor(async () => {
    const c = (await h.get(`/api/clients/${UUID}`)).body;
    return c.recoveryState === 'idle' && c.processStatus === 'running' ? c : null;
  }, 'the client recovered');
  assert.equal([client.recoveryCommandId, client.recoveryReason, client.recoveryDeadline], [null, null, null]);
  assert.is(client.status, 'healthy');
  assert.equal(recovery.slice(-2), ['restarting_app', 'idle'], `recovery states: ${recovery.join(' → ')}`);
  const history = (await h.get(`/api/clients/${UUID}/commands`)).body.commands;
  assert.equal(history.map((c: any) => [c.commandId, c.action, c.requestedBy, c.reason, c.status]), [[id, 'restart_app', null, 'process_crashed', 'completed']]);
});

test.run();
