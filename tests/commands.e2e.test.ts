/**
 * Remote commands end to end (docs/commands.md, docs/mqtt.md "Server → client"), over real brokers: the JSON
 * API issues, simulated clients (scripts/sim/virtual-client.ts: dedupe by command_id, reject
 * expired, ack on both topics, silent and back for reboots) answer, and the API tells what became
 * of each command. A watcher validates every command payload on the wire with ajv against
 * broker/command.schema.json. Stage timers are shortened through COMMAND_TIMERS (config.ts).
 * Runs against the embedded aedes broker and, when installed, Mosquitto.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { MqttClient } from 'mqtt';
import { topics } from '../broker/topics.ts';
import { VirtualClient } from '../scripts/sim/virtual-client.ts';
import { ackPayload } from '../scripts/sim/payloads.ts';
import type { Clock } from '../lib/clock.ts';
import {
  device, embeddedTarget, freePort, mosquittoBinary, pub, sleep, startHarness, startMosquitto, tempDir, waitFor,
  type BrokerTarget, type Harness, type TempDir,
} from '../testing/helpers.ts';

const schema = JSON.parse(readFileSync(new URL('../broker/command.schema.json', import.meta.url), 'utf8'));
const ajv = new (Ajv2020 as any)({ strict: false });
(addFormats as any)(ajv);
ajv.addSchema(schema);
const validateCommand = ajv.getSchema('infoscreen/command.schema.json#/$defs/command');

/** Short stage timers (ms) so the suite runs in seconds; the rules are those of docs/commands.md. */
const TIMERS = {
  queued: 2000, publish: 2000, ack: 1500, executionStartRestartApp: 2000, executionStartHost: 2000,
  silence: 800, rebootShutdown: 2000, reconnect: 8000, recoveredComplete: 3000, executionComplete: 4000,
};
const ENV = { COMMAND_TIMERS: JSON.stringify(TIMERS), POLL_INTERVAL_SECONDS: '1' };
const RANK = ['queued', 'publish_in_progress', 'published', 'ack_received', 'execution_started', 'awaiting_reconnect', 'recovered'];

let serial = 0;
/** A fresh client uuid per call: lockout windows and histories never mix between tests. */
const newUuid = () => `c0de0000-0000-4000-8000-${String(++serial).padStart(12, '0')}`;

function commandsSuite(name: string, makeTarget: () => Promise<BrokerTarget>) {
  const s = suite(`commands over ${name}`);
  let target: BrokerTarget | undefined;
  let h: Harness;
  const open = { dirs: [] as TempDir[], harnesses: [] as Harness[], mqtt: [] as MqttClient[], sims: [] as VirtualClient[] };
  const wire: Array<{ topic: string; payload: string }> = [];
  const transitions = new Map<string, string[]>();
  const received = new Map<string, string[]>(); // uuid → command ids a simulated client acted on

  const start = async (dir: string, env: Record<string, string> = {}, clock?: Clock) => {
    const harness = await startHarness(dir, target!, { ...ENV, ...env }, clock ? { clock } : {});
    open.harnesses.push(harness);
    harness.rt.bus.on((e) => {
      if (e.type === 'command') transitions.set(e.commandId, [...(transitions.get(e.commandId) ?? []), e.to]);
    });
    return harness;
  };
  const newDir = () => {
    const t = tempDir();
    open.dirs.push(t);
    return t.dir;
  };
  /** A healthy simulated client at 10× speed (acks 50 ms apart, restart_app takes 300 ms). */
  const sim = async (url: string, uuid = newUuid(), rebootSilenceMs: [number, number] = [1500, 1500]) => {
    const v = new VirtualClient({
      uuid, url, speed: 10, rebootSilenceMs,
      onEvent: (u, msg) => {
        const m = /^command \w+ (\S+)$/.exec(msg);
        if (m) received.set(u, [...(received.get(u) ?? []), m[1]]);
      },
    });
    open.sims.push(v);
    await v.start();
    return v;
  };
  /** A client that accepts, then fails every command with its own error code (both ack topics). */
  const failing = async (url: string, uuid = newUuid()) => {
    const c = await device(url);
    open.mqtt.push(c);
    const seen = new Set<string>();
    c.on('message', (topic, payload) => {
      if (topic !== topics.commands(uuid) && topic !== topics.commandAlias(uuid)) return;
      const id = JSON.parse(payload.toString()).command_id as string;
      if (seen.has(id)) return; // identical bytes arrive on both topics
      seen.add(id);
      received.set(uuid, [...(received.get(uuid) ?? []), id]);
      for (const body of [ackPayload(id, 'accepted'), ackPayload(id, 'failed', 'execution_failed', 'player binary missing')])
        for (const t of [topics.ack(uuid), topics.ackAlias(uuid)]) void pub(c, t, body);
    });
    await c.subscribeAsync([topics.commands(uuid), topics.commandAlias(uuid)], { qos: 1 });
    await pub(c, topics.discovery, { uuid, hostname: `failing-${uuid.slice(-4)}` });
    return uuid;
  };
  /** A client the server knows but that is gone: discovery, then disconnect. */
  const offline = async (url: string) => {
    const uuid = newUuid();
    const c = await device(url);
    await pub(c, topics.discovery, { uuid, hostname: `gone-${uuid.slice(-4)}` });
    await c.endAsync();
    return uuid;
  };
  const known = (hh: Harness, uuid: string) => waitFor(async () => (await hh.get(`/api/clients/${uuid}`)).status === 200, `client ${uuid} known`);
  const command = async (hh: Harness, id: string) => (await hh.get(`/api/clients/commands/${id}`)).body;
  const until = (hh: Harness, id: string, status: string, ms = 10_000) =>
    waitFor(async () => {
      const c = await command(hh, id);
      return c.status === status ? c : null;
    }, `command ${id} ${status}`, ms);
  /** Statuses only ever move forward until one terminal state (docs/commands.md "Rules"). */
  const assertForward = (id: string) => {
    const seq = transitions.get(id) ?? [];
    const ranks = seq.slice(0, -1).map((st) => RANK.indexOf(st));
    assert.ok(ranks.every((r, i) => r >= 0 && (i === 0 || r > ranks[i - 1])), `forward only: ${seq.join(' → ')}`);
    assert.is(RANK.indexOf(seq.at(-1)!), -1, `ends terminal: ${seq.join(' → ')}`);
  };

  s.before(async () => {
    target = await makeTarget();
    h = await start(newDir());
    const watcher = await device(h.url);
    open.mqtt.push(watcher);
    watcher.on('message', (topic, payload) => wire.push({ topic, payload: payload.toString() }));
    await watcher.subscribeAsync(['infoscreen/+/commands', 'infoscreen/+/command', 'clients/+/restart'], { qos: 1 });
  });
  s.after(async () => {
    for (const v of open.sims) await v.stop();
    for (const c of open.mqtt) await c.endAsync().catch(() => {});
    for (const hh of open.harnesses) await hh.close();
    await target?.close();
    for (const d of open.dirs) d.remove();
  });

  s('restart (reboot_host) → published, acked, silent, back, completed', async () => {
    const v = await sim(h.url);
    await known(h, v.uuid);
    const r = await h.send('POST', `/api/clients/${v.uuid}/restart`, { reason: 'e2e reboot' });
    assert.is(r.status, 202);
    assert.is(r.body.success, true);
    assert.is(r.body.command.action, 'reboot_host');
    assert.ok(r.body.command.publishedAt, 'answered after the PUBACK');
    const done = await until(h, r.body.command.commandId, 'completed');
    assert.ok(done.ackedAt && done.executionStartedAt && done.completedAt);
    assert.is(done.errorCode, null);
    assert.is(done.requestedBy, r.body.command.requestedBy);
    const seq = transitions.get(done.commandId)!;
    assert.ok(seq.includes('execution_started') && seq.includes('awaiting_reconnect'), seq.join(' → '));
    assertForward(done.commandId);
    assert.equal(received.get(v.uuid), [done.commandId], 'executed once although it arrived on two topics');
  });

  s('restart_app → completed', async () => {
    const v = await sim(h.url);
    await known(h, v.uuid);
    const r = await h.send('POST', `/api/clients/${v.uuid}/restart_app`, {});
    assert.is(r.status, 202);
    const done = await until(h, r.body.command.commandId, 'completed');
    assert.is(done.reason, null);
    assertForward(done.commandId);
  });

  s("a failed ack → failed, with the client's error code and message in the API", async () => {
    const uuid = await failing(h.url);
    await known(h, uuid);
    const r = await h.send('POST', `/api/clients/${uuid}/restart_app`, { reason: 'try' });
    assert.is(r.status, 202);
    const failed = await until(h, r.body.command.commandId, 'failed');
    assert.is(failed.errorCode, 'execution_failed');
    assert.is(failed.errorMessage, 'player binary missing');
    assert.ok(failed.failedAt);
    const history = (await h.get(`/api/clients/${uuid}/commands`)).body;
    assert.is(history.commands[0].errorCode, 'execution_failed');
  });

  s('an offline client never completes: timed_out with a diagnostic', async () => {
    const uuid = await offline(h.url);
    await known(h, uuid);
    const r = await h.send('POST', `/api/clients/${uuid}/restart`, { reason: 'is it there?' });
    assert.is(r.status, 202, 'the broker confirmed the publish');
    const out = await until(h, r.body.command.commandId, 'timed_out');
    assert.is(out.errorCode, 'stage_timeout');
    assert.match(out.errorMessage, /no acknowledgement/);
    assert.is(out.completedAt, null);
    assert.ok(!transitions.get(out.commandId)!.includes('completed'));
  });

  s('the 4th reboot-kind command in 15 minutes → 429 + blocked_safety; shutdown still allowed', async () => {
    const uuid = await offline(h.url);
    await known(h, uuid);
    for (const path of ['restart', 'restart_app', 'restart']) assert.is((await h.send('POST', `/api/clients/${uuid}/${path}`, {})).status, 202, path);
    const r = await h.send('POST', `/api/clients/${uuid}/restart_app`, { reason: 'fourth' });
    assert.is(r.status, 429);
    assert.is(r.body.success, false);
    assert.is(r.body.command.status, 'blocked_safety');
    assert.is(r.body.command.errorCode, 'lockout_threshold');
    assert.is((await command(h, r.body.command.commandId)).status, 'blocked_safety');
    assert.is((await h.send('POST', `/api/clients/${uuid}/shutdown`, {})).status, 202);
  });

  s('bulk over 20 simulated clients where 2 fail: the run stops issuing and says why', async () => {
    const uuids: string[] = [];
    for (let i = 0; i < 20; i++) uuids.push(i === 1 || i === 3 ? await failing(h.url) : (await sim(h.url)).uuid);
    for (const u of uuids) await known(h, u);
    assert.is((await h.send('PUT', '/api/clients/group', { uuids, group_id: 9 })).status, 200);
    const r = await h.send('POST', '/api/groups/9/restart', { reason: 'rollout 2.5.0', uuids, action: 'restart_app' });
    assert.is(r.status, 202);
    assert.is(r.body.commands.length, 5, 'first wave');
    const run = await waitFor(async () => {
      const b = (await h.get(`/api/bulk-runs/${r.body.run.id}`)).body;
      return b.run.status === 'done' ? b : null;
    }, 'the run to finish', 10_000);
    assert.is(run.run.aborted, true);
    assert.is(run.run.abortReason, '1 of 1 finished commands failed or timed out (100 % > 5 %): stopped issuing; 15 client(s) not issued');
    assert.equal(run.run.counts, { issued: 5, blocked: 0, skipped: 15, completed: 3, failed: 2, timedOut: 0, expired: 0, canceled: 0 });
    const byClient = new Map(run.commands.map((c: { clientUuid: string; status: string }) => [c.clientUuid, c.status]));
    assert.equal(uuids.slice(0, 5).map((u) => byClient.get(u)), ['completed', 'failed', 'completed', 'failed', 'completed']);
    for (const u of uuids.slice(5)) assert.is(received.get(u), undefined, `${u} got no command`);
  });

  s('kill the server mid-reboot: the restored command completes when the client is back', async () => {
    const dir = newDir();
    const port: Record<string, string> = target!.env.MQTT_BROKER_HOST ? {} : { MQTT_EMBEDDED_PORT: String(await freePort()) }; // same URL after the restart
    const a = await start(dir, port);
    const v = await sim(a.url, newUuid(), [4000, 4000]);
    await known(a, v.uuid);
    const issued = (await a.send('POST', `/api/clients/${v.uuid}/restart`, { reason: 'crash test' })).body.command;
    await waitFor(() => a.rt.commands.get(issued.commandId)?.status === 'awaiting_reconnect', 'awaiting_reconnect');
    const before = await command(a, issued.commandId);
    await a.close(); // the server dies while the client is rebooting
    const b = await start(dir, port);
    assert.is(b.rt.commands.get(issued.commandId)?.status, 'awaiting_reconnect', 'restored live');
    const done = await until(b, issued.commandId, 'completed', 15_000);
    assert.equal([done.issuedAt, done.expiresAt, done.executionStartedAt], [before.issuedAt, before.expiresAt, before.executionStartedAt]);
    assert.ok(transitions.get(issued.commandId)!.slice(-2).includes('completed'));
    await v.stop(); // while its broker is up: mqtt.js would wait forever for in-flight acks
    await b.close();
  });

  s('server down mid-command: an unanswered command times out on its stage deadline moved on by the downtime (docs/high-availability.md)', async () => {
    const dir = newDir();
    const env = { COMMAND_TIMERS: JSON.stringify({ ...TIMERS, ack: 4000 }), ...(target!.env.MQTT_BROKER_HOST ? {} : { MQTT_EMBEDDED_PORT: String(await freePort()) }) };
    const a = await start(dir, env);
    const uuid = await offline(a.url);
    await known(a, uuid);
    const issued = (await a.send('POST', `/api/clients/${uuid}/restart_app`, {})).body.command;
    await sleep(1000);
    await a.close();
    const restartedAt = Date.now();
    const b = await start(dir, env);
    const startedB = Date.now();
    const out = await until(b, issued.commandId, 'timed_out', 8000);
    // The deadline is publishedAt + 4 s plus the time no server ran (from a's clean end to b's restore).
    const endedA = Number((await b.rt.db.execute('SELECT ended_at FROM server_runs WHERE ended_at IS NOT NULL')).rows[0].ended_at);
    const moved = Date.parse(out.failedAt) - (Date.parse(issued.publishedAt) + 4000);
    assert.ok(moved >= restartedAt - endedA && moved <= startedB - endedA, `moved by ${moved} ms, downtime ${restartedAt - endedA}..${startedB - endedA} ms`);
    await b.close();
  });

  s('expiry across a restart: a deadline that passed while down settles at once; a live one fires on time', async () => {
    const dir = newDir();
    // Expiry (180 s, the minimum) comes before any stage timer here; the clock jump stands in for downtime.
    const env = { COMMAND_TIMERS: JSON.stringify({ ...TIMERS, ack: 3_600_000 }), COMMAND_EXPIRY_SECONDS: '180' };
    const a = await start(dir, env);
    const [u1, u2] = [await offline(a.url), await offline(a.url)];
    await known(a, u1);
    await known(a, u2);
    const early = (await a.send('POST', `/api/clients/${u1}/restart_app`, {})).body.command;
    await sleep(2100); // whole seconds on the wire: the second command expires ≥ 2 s later
    const late = (await a.send('POST', `/api/clients/${u2}/restart_app`, {})).body.command;
    await a.close();
    const offset = Date.parse(late.expiresAt) - 1500 - Date.now(); // restart 1.5 s before `late` expires
    const clock: Clock = { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (t) => clearTimeout(t), now: () => Date.now() + offset };
    const b = await start(dir, target!.env.MQTT_BROKER_HOST ? env : { ...env, MQTT_EMBEDDED_PORT: '0' }, clock);
    const gone = await command(b, early.commandId);
    assert.is(gone.status, 'expired', 'passed while down: settled at start-up');
    assert.is(gone.failedAt, early.expiresAt);
    assert.is((await command(b, late.commandId)).status, 'published', 'still live');
    const out = await until(b, late.commandId, 'expired', 5000);
    assert.is(out.errorCode, 'expired');
    assert.is(out.failedAt, late.expiresAt, 'on its original deadline');
    await b.close();
  });

  s('every command payload on the wire validates against the JSON schema; identical bytes on both topics', () => {
    const cmds = wire.filter((m) => !m.topic.startsWith('clients/'));
    assert.ok(cmds.length >= 20, `${cmds.length} command payloads seen`);
    for (const m of cmds) assert.ok(validateCommand(JSON.parse(m.payload)), `${m.topic}: ${JSON.stringify(validateCommand.errors)}`);
    const byId = new Map<string, Set<string>>();
    for (const m of cmds) {
      const p = JSON.parse(m.payload);
      assert.ok(m.topic.includes(p.client_uuid), 'addressed to the topic owner');
      byId.set(p.command_id, new Set([...(byId.get(p.command_id) ?? []), `${m.topic.endsWith('/command') ? 'alias' : 'canonical'}:${m.payload}`]));
    }
    for (const [id, copies] of byId) assert.is(copies.size, 2, `${id}: one identical copy per topic`);
    const reboots = cmds.filter((m) => m.topic.endsWith('/commands') && JSON.parse(m.payload).action === 'reboot_host');
    const legacy = wire.filter((m) => m.topic.startsWith('clients/'));
    assert.is(legacy.length, reboots.length, 'legacy clients/{uuid}/restart for every reboot');
    for (const m of legacy) assert.equal(JSON.parse(m.payload), { action: 'restart' });
  });

  s.run();
}

commandsSuite('the embedded broker', async () => embeddedTarget());

const bin = mosquittoBinary();
if (bin) {
  commandsSuite('Mosquitto', () => startMosquitto(bin));
} else {
  console.log('NOTICE: mosquitto is not installed (not on PATH nor in /usr/sbin): the Mosquitto run of this suite is skipped');
  const s = suite('commands over Mosquitto');
  s.skip('mosquitto not installed', () => {});
  s.run();
}
