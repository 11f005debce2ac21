/** Client machine on a simulated clock (docs/clients.md): connectivity, process, service, screen, status. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor, SimulatedClock } from 'xstate';
import { clientMachine } from './client.machine.ts';
import { toRecord } from './client.record.ts';
import { restoredSnapshot } from './client.restore.ts';
import { emptyRecord, type ClientRecord } from '../domain/client.types.ts';

const UUID = '9b8d1856-ff34-4864-a726-12de072d0f77';
const GRACE = 170_000;

function start(record: Partial<ClientRecord> = {}, now = 1_000_000, restore = false) {
  const clock = new SimulatedClock();
  clock.set(now);
  const input = { record: { ...emptyRecord(UUID, 0), ...record }, now, graceMs: GRACE };
  const actor = createActor(clientMachine, { clock, input, ...(restore ? { snapshot: restoredSnapshot(input) } : {}) }).start();
  if (restore) actor.send({ type: 'RESUME', at: now });
  const rec = () => toRecord(actor.getSnapshot(), clock.now());
  const send = (e: any) => actor.send({ at: clock.now(), ...e });
  return { clock, actor, rec, send };
}

test('a new client is unknown and warning until it talks', () => {
  const { rec } = start();
  assert.is(rec().connectivity, 'unknown');
  assert.is(rec().status, 'warning');
  assert.equal(rec().statusReasons, ['connectivity_unknown']);
});

test('heartbeat → online and healthy; silence for the grace period → offline', () => {
  const { clock, rec, send } = start();
  send({ type: 'HEARTBEAT', processStatus: 'running', processName: 'display_manager', pid: 12 });
  assert.is(rec().connectivity, 'online');
  assert.is(rec().status, 'healthy');
  assert.is(rec().currentProcess, 'display_manager');
  clock.increment(GRACE - 1);
  assert.is(rec().connectivity, 'online');
  clock.increment(1);
  assert.is(rec().connectivity, 'offline');
  assert.is(rec().status, 'offline');
});

test('every message restarts the grace timer; a retained service_failed notice does not', () => {
  const { clock, rec, send } = start();
  send({ type: 'HEALTH', processStatus: 'running' });
  clock.increment(100_000);
  send({ type: 'LOG', level: 'INFO' });
  clock.increment(100_000);
  assert.is(rec().connectivity, 'online', 'log at 100 s moved the deadline');
  send({ type: 'SERVICE_FAILED', unit: 'x.service', failedAt: clock.now() });
  clock.increment(70_000);
  assert.is(rec().connectivity, 'offline');
  send({ type: 'HEARTBEAT' });
  assert.is(rec().connectivity, 'online');
});

test('crash → critical; running again → healthy', () => {
  const { rec, send } = start();
  send({ type: 'HEALTH', processStatus: 'crashed' });
  assert.is(rec().processStatus, 'crashed');
  assert.is(rec().status, 'critical');
  assert.equal(rec().statusReasons, ['process_crashed']);
  send({ type: 'HEALTH', processStatus: 'running' });
  assert.is(rec().status, 'healthy');
});

test('service_failed → critical until acknowledged, even when the client keeps talking', () => {
  const { rec, send } = start();
  send({ type: 'HEARTBEAT', processStatus: 'running' });
  send({ type: 'SERVICE_FAILED', unit: 'infoscreen-display.service', failedAt: 5 });
  assert.is(rec().status, 'critical');
  assert.is(rec().serviceFailedUnit, 'infoscreen-display.service');
  send({ type: 'HEARTBEAT', processStatus: 'running' });
  assert.is(rec().status, 'critical');
  send({ type: 'SERVICE_ACKNOWLEDGED' });
  assert.is(rec().status, 'healthy');
  assert.is(rec().serviceFailedAt, null);
});

test('screen BLACK / FROZEN are critical; frozen also from identical screenshots of a changing event', () => {
  const { rec, send } = start();
  send({ type: 'HEALTH', processStatus: 'running', screenStatus: 'BLACK' });
  assert.equal(rec().statusReasons, ['screen_black']);
  send({ type: 'HEALTH', screenStatus: 'OK' });
  assert.is(rec().status, 'healthy');
  send({ type: 'SCREENSHOT', captureType: 'periodic', identicalToPrevious: true });
  assert.is(rec().screenHealthStatus, 'OK', 'identical screenshots of a static event are fine');
  send({ type: 'EXPECTED_EVENT', eventId: '7', changing: true });
  send({ type: 'HEARTBEAT', currentEventId: '7' });
  send({ type: 'SCREENSHOT', captureType: 'periodic', identicalToPrevious: true });
  assert.is(rec().screenHealthStatus, 'FROZEN');
  assert.is(rec().status, 'critical');
});

test('server-detected FROZEN wins over health reports until a different screenshot arrives', () => {
  const { rec, send } = start();
  send({ type: 'HEALTH', processStatus: 'running', screenStatus: 'OK' });
  send({ type: 'EXPECTED_EVENT', eventId: '7', changing: true });
  send({ type: 'HEARTBEAT', currentEventId: '7' });
  send({ type: 'SCREENSHOT', captureType: 'periodic', identicalToPrevious: true });
  assert.is(rec().screenHealthStatus, 'FROZEN');
  assert.is(rec().screenFrozenDetected, true);
  send({ type: 'HEALTH', processStatus: 'running', screenStatus: 'OK' });
  assert.is(rec().screenHealthStatus, 'FROZEN', 'the device\'s OK does not clear what the server saw');
  assert.equal(rec().statusReasons, ['screen_frozen']);
  send({ type: 'SCREENSHOT', captureType: 'event_start', identicalToPrevious: false });
  assert.is(rec().screenHealthStatus, 'FROZEN', 'a priority capture is not compared, so it does not clear it');
  send({ type: 'SCREENSHOT', captureType: 'periodic', identicalToPrevious: false });
  assert.is(rec().screenHealthStatus, 'OK', 'a different capture clears it; the last reported state shows again');
  assert.is(rec().screenFrozenDetected, false);
  assert.is(rec().status, 'healthy');
  assert.is(rec().expectedEventId, '7', 'the expected event is still recorded (handled in the frozen region)');
});

test('server-detected FROZEN clears when the expected content is no longer a video; reported FROZEN stays the device\'s', () => {
  const { rec, send } = start();
  send({ type: 'HEALTH', processStatus: 'running', screenStatus: 'OK' });
  send({ type: 'EXPECTED_EVENT', eventId: '7', changing: true });
  send({ type: 'SCREENSHOT', captureType: 'periodic', identicalToPrevious: true });
  send({ type: 'EXPECTED_EVENT', eventId: '7', changing: true });
  assert.is(rec().screenHealthStatus, 'FROZEN', 'the same video again keeps it');
  send({ type: 'EXPECTED_EVENT', eventId: '8', changing: false });
  assert.is(rec().screenHealthStatus, 'OK');
  assert.is(rec().expectedEventId, '8');
  send({ type: 'HEALTH', screenStatus: 'FROZEN' });
  assert.is(rec().screenHealthStatus, 'FROZEN', 'reported by the device');
  assert.is(rec().screenFrozenDetected, false);
  send({ type: 'SCREENSHOT', captureType: 'periodic', identicalToPrevious: false });
  assert.is(rec().screenHealthStatus, 'FROZEN', 'a reported FROZEN is the device\'s to clear');
  send({ type: 'HEALTH', screenStatus: 'OK' });
  assert.is(rec().screenHealthStatus, 'OK');
});

test('server-detected FROZEN survives a restore from the record', () => {
  const { rec, send } = start({}, 2_000_000);
  send({ type: 'HEARTBEAT', processStatus: 'running' });
  send({ type: 'EXPECTED_EVENT', eventId: '7', changing: true });
  send({ type: 'SCREENSHOT', captureType: 'periodic', identicalToPrevious: true });
  const saved = rec();
  const again = start(saved, 2_000_000, true);
  assert.is(again.rec().screenHealthStatus, 'FROZEN');
  assert.is(again.rec().screenFrozenDetected, true);
  again.send({ type: 'HEALTH', screenStatus: 'OK' });
  assert.is(again.rec().screenHealthStatus, 'FROZEN', 'still the server\'s after the restart');
  again.send({ type: 'SCREENSHOT', captureType: 'periodic', identicalToPrevious: false });
  assert.is(again.rec().screenHealthStatus, 'OK');
});

test('warning rules: recent error, five warnings, reconnects rising, event mismatch, starting while expected', () => {
  let c = start();
  c.send({ type: 'HEARTBEAT', processStatus: 'running' });
  c.send({ type: 'LOG', level: 'ERROR' });
  assert.equal(c.rec().statusReasons, ['recent_errors']);
  c.clock.increment(3_600_000);
  c.send({ type: 'HEARTBEAT' });
  assert.is(c.rec().status, 'healthy', 'an error older than an hour no longer warns');

  c = start();
  c.send({ type: 'HEARTBEAT', processStatus: 'running' });
  for (let i = 0; i < 4; i++) c.send({ type: 'LOG', level: 'WARN' });
  assert.is(c.rec().status, 'healthy');
  c.send({ type: 'LOG', level: 'WARN' });
  assert.equal(c.rec().statusReasons, ['recent_warnings']);

  c = start();
  c.send({ type: 'HEALTH', processStatus: 'running', reconnectCount: 2 });
  assert.is(c.rec().status, 'healthy');
  c.send({ type: 'HEALTH', reconnectCount: 3, lastDisconnectAt: 5 });
  assert.equal(c.rec().statusReasons, ['mqtt_reconnects']);
  assert.is(c.rec().mqttLastDisconnectAt, 5);

  c = start();
  c.send({ type: 'HEARTBEAT', processStatus: 'starting', currentEventId: '1' });
  assert.is(c.rec().status, 'healthy', 'starting with nothing expected is fine');
  c.send({ type: 'EXPECTED_EVENT', eventId: '2', changing: false });
  assert.equal(c.rec().statusReasons, ['process_starting', 'event_mismatch']);
});

test('restore: last seen 100 s ago goes offline 70 s later; region states come back', () => {
  const now = 10_000_000;
  const { clock, rec } = start(
    { lastAlive: now - 100_000, connectivity: 'online', processStatus: 'crashed', serviceStatus: 'failed', screenHealthStatus: 'OK', recoveryState: 'waiting_manual' },
    now,
    true,
  );
  assert.is(rec().connectivity, 'online');
  assert.is(rec().processStatus, 'crashed');
  assert.is(rec().serviceStatus, 'failed');
  assert.is(rec().recoveryState, 'waiting_manual');
  clock.increment(69_999);
  assert.is(rec().connectivity, 'online');
  clock.increment(1);
  assert.is(rec().connectivity, 'offline');
});

test('restore: a client silent longer than the grace period starts offline; never seen stays unknown', () => {
  assert.is(start({ lastAlive: 0, connectivity: 'online' }, 500_000, true).rec().connectivity, 'offline');
  assert.is(start({ lastAlive: null }, 500_000, true).rec().connectivity, 'unknown');
});

test('restore: a RESUME that arrives after the grace period ran out takes the client offline at once', () => {
  const now = 10_000_000;
  const clock = new SimulatedClock();
  clock.set(now);
  const input = { record: { ...emptyRecord(UUID, 0), lastAlive: now - 100_000, connectivity: 'online' as const }, now, graceMs: GRACE };
  const actor = createActor(clientMachine, { clock, input, snapshot: restoredSnapshot(input) }).start();
  const rec = () => toRecord(actor.getSnapshot(), clock.now());
  clock.increment(70_000); // not resumed yet: no grace timer runs
  assert.is(rec().connectivity, 'online');
  actor.send({ type: 'RESUME', at: clock.now() });
  assert.is(rec().connectivity, 'offline');
});

test('discovery fills identity; meta updates description and group', () => {
  const { rec, send } = start();
  send({ type: 'DISCOVERED', hostname: 'pi-101', ip: '10.0.0.5', hardware: { model: 'Pi 4' }, softwareVersion: '2.1' });
  assert.is(rec().discovered, true);
  assert.is(rec().hostname, 'pi-101');
  assert.is(rec().connectivity, 'online');
  send({ type: 'UPDATE_META', description: 'Room 101', groupId: 3 });
  assert.is(rec().description, 'Room 101');
  assert.is(rec().groupId, 3);
  assert.is(rec().hostname, 'pi-101');
});

test.run();
