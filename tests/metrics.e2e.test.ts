/**
 * GET /metrics end to end (docs/operations.md "Metrics"): the real runtime on the embedded broker,
 * a device that reports in and sends one broken message, a command issued and canceled, a webhook
 * channel test-sent to a loopback receiver; the scrape holds those values as fleet-level series,
 * and `promtool check metrics` (Debian's `prometheus` package) accepts the text. Without promtool
 * that one check is reported skipped, never passed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import type { MqttClient } from 'mqtt';
import { examples, UUID } from '../testing/broker-fixtures.ts';
import { topics } from '../broker/topics.ts';
import { httpReceiver, type HttpReceiver } from '../testing/notify-receivers.ts';
import { device, embeddedTarget, pub, startHarness, tempDir, waitFor, type Harness, type TempDir } from '../testing/helpers.ts';

/** `promtool`, or null when missing (or E2E_SKIP_PROMTOOL=1, to check the skip path). */
const promtool = process.env.E2E_SKIP_PROMTOOL === '1' || spawnSync('promtool', ['--version'], { stdio: 'ignore' }).error ? null : 'promtool';

let tmp: TempDir;
let h: Harness;
let dev: MqttClient;
let rx: HttpReceiver;
let text = '';

const scrape = async () => {
  const res = await h.rt.app.request('/metrics', {}, { incoming: { socket: { remoteAddress: '127.0.0.1' } } });
  assert.is(res.status, 200);
  return res.text();
};
/** The value of one series (`name{labels}` exactly as exposed), or undefined. */
const value = (series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

test.before(async () => {
  tmp = tempDir('infoscreen-e2e-metrics-');
  h = await startHarness(tmp.dir, embeddedTarget());
  rx = await httpReceiver();
  dev = await device(h.url);
  await pub(dev, topics.discovery, examples.discovery);
  await pub(dev, topics.health(UUID), examples.health);
  await pub(dev, topics.heartbeat(UUID), examples.heartbeat);
  await pub(dev, topics.heartbeat(UUID), '{not json');
  await waitFor(() => h.rt.drops.snapshot().total === 1 && h.rt.supervisor.get(UUID)?.connectivity === 'online', 'the device and its drop');
  const issued = await h.send('POST', `/api/clients/${UUID}/restart_app`, { reason: 'metrics test' });
  assert.is(issued.status, 202, JSON.stringify(issued.body));
  const canceled = await h.send('POST', `/api/clients/commands/${issued.body.command.commandId}/cancel`);
  assert.is(canceled.status, 200, JSON.stringify(canceled.body));
  const channel = await h.send('POST', '/api/notifications/channels', { name: 'hook', type: 'webhook', url: `${rx.url}/hook` });
  assert.is((await h.send('POST', `/api/notifications/channels/${channel.body.id}/test`)).status, 200);
  text = await scrape();
});
test.after(async () => {
  dev?.end(true);
  await rx?.close();
  await h?.close();
  tmp?.remove();
});

test('fleet-level series hold what happened', () => {
  assert.is(value('infoscreen_clients{status="healthy"}') ?? value('infoscreen_clients{status="warning"}'), 1, text);
  assert.is(value('infoscreen_clients{status="offline"}'), 0);
  assert.is(value('infoscreen_group_clients{group="none",status="offline"}'), 0);
  assert.is(value('infoscreen_clients_online'), 1);
  assert.is(value('infoscreen_broker_connected'), 1);
  assert.ok(value('infoscreen_mqtt_messages_received_total')! >= 4);
  assert.is(value('infoscreen_mqtt_dropped_total{reason="bad_json"}'), 1);
  assert.is(value('infoscreen_mqtt_dropped_total{reason="too_large"}'), 0);
  assert.is(value('infoscreen_commands_total{action="restart_app",outcome="canceled"}'), 1);
  assert.is(value('infoscreen_command_duration_seconds_count{action="restart_app"}'), 1);
  assert.is(value('infoscreen_commands_in_flight'), 0);
  assert.ok(value('infoscreen_alerts_open{severity="info"}')! >= 0);
  assert.is(value('infoscreen_store_writable'), 1);
  assert.is(value('infoscreen_store_dropped_log_rows_total'), 0);
  assert.is(value('infoscreen_live_readers'), 0);
  assert.ok(value('infoscreen_scheduler_cycles_total')! >= 1);
  assert.is(value('infoscreen_notifications_total{channel_type="webhook",result="sent"}'), 1);
  assert.is(value('infoscreen_notification_outbox{status="pending"}'), 0);
  assert.match(text, /^infoscreen_build_info\{version="\d+\.\d+\.\d+",runtime="node",runtime_version="[\d.]+"\} 1$/m);
  assert.match(text, /^process_resident_memory_bytes \d+/m);
  assert.not.match(text, UUID, 'no series per client');
});

test('a second scrape counts on from the same sources (no double counting of mirrored counters)', async () => {
  const before = value('infoscreen_mqtt_dropped_total{reason="bad_json"}');
  text = await scrape();
  assert.is(value('infoscreen_mqtt_dropped_total{reason="bad_json"}'), before);
  assert.is(value('infoscreen_commands_total{action="restart_app",outcome="canceled"}'), 1);
});

(promtool ? test : test.skip)('promtool check metrics accepts the exposition', () => {
  const r = spawnSync(promtool!, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  assert.is(r.status, 0, `promtool: ${r.stdout}${r.stderr}`);
});
if (!promtool) console.log('NOTICE: promtool is not installed (Debian package prometheus): "promtool check metrics" is skipped');

test.run();
