/** Payload schemas and their mapping to port values / client events (docs/mqtt.md "Client → server"). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ackSchema,
  dashboardParts,
  dashboardSchema,
  discoverySchema,
  healthSchema,
  heartbeatSchema,
  legacyScreenshotParts,
  legacyScreenshotSchema,
  logSchema,
  serviceFailedSchema,
  toCommandAck,
  toDiscoveryInfo,
  toHealthEvent,
  toHeartbeatEvent,
  toLogEntry,
  toServiceFailedEvent,
} from './schemas.ts';
import { examples, JPEG_B64, UUID } from '../testing/broker-fixtures.ts';

const AT = Date.UTC(2026, 3, 5, 8, 0, 5);
const ms = (iso: string) => Date.parse(iso);

test('discovery: uuid required and lower-cased; extra fields become hardware', () => {
  const p = discoverySchema.parse({ ...examples.discovery, uuid: UUID.toUpperCase() });
  assert.is(p.uuid, UUID);
  assert.equal(toDiscoveryInfo(p), {
    hostname: 'infoscreen-42',
    ip: '192.168.1.42',
    softwareVersion: '2.4.1',
    hardware: { model: 'Raspberry Pi 5', ram_mb: 8192, hw_serial: '10000000abcdef' },
  });
  assert.equal(toDiscoveryInfo(discoverySchema.parse({ uuid: UUID })), { hostname: null, ip: null, hardware: null, softwareVersion: null });
  assert.equal(toDiscoveryInfo(discoverySchema.parse({ uuid: UUID, hardware: 'pi4' })).hardware, { hardware: 'pi4' });
  assert.not.ok(discoverySchema.safeParse({ hostname: 'x' }).success, 'uuid missing');
  assert.not.ok(discoverySchema.safeParse({ uuid: 'abc' }).success, 'uuid not a UUID');
  assert.not.ok(discoverySchema.safeParse({ uuid: UUID, hostname: 5 }).success, 'wrong type');
});

test('heartbeat: process fields, event id number → string; missing fields stay undefined', () => {
  const e = toHeartbeatEvent(heartbeatSchema.parse(examples.heartbeat), AT);
  assert.equal(e, { type: 'HEARTBEAT', at: AT, processName: 'display_manager', pid: 1234, processStatus: 'running', currentEventId: '42' });
  assert.equal(toHeartbeatEvent(heartbeatSchema.parse({ timestamp: 'whatever' }), AT), { type: 'HEARTBEAT', at: AT });
  const nulls = toHeartbeatEvent(heartbeatSchema.parse({ current_process: null, process_pid: null, process_status: null, current_event_id: null }), AT);
  assert.equal(nulls, { type: 'HEARTBEAT', at: AT, processName: null, pid: null, currentEventId: null });
  const lenient = toHeartbeatEvent(heartbeatSchema.parse({ process_pid: '77', process_status: 'Crashed', current_event_id: 'ev-9' }), AT);
  assert.equal(lenient, { type: 'HEARTBEAT', at: AT, pid: 77, processStatus: 'crashed', currentEventId: 'ev-9' });
  for (const bad of [[], 'x', 5, null, { process_pid: 'abc' }, { process_pid: 1.5 }, { process_status: 'exploded' }, { current_process: 3 }]) {
    assert.not.ok(heartbeatSchema.safeParse(bad).success, JSON.stringify(bad));
  }
});

test('health: the docs/mqtt.md example maps every block', () => {
  const e = toHealthEvent(healthSchema.parse(examples.health), AT);
  assert.equal(e, {
    type: 'HEALTH',
    at: AT,
    processName: 'display_manager',
    pid: 1234,
    processStatus: 'running',
    currentEventId: '42',
    screenStatus: 'OK',
    lastFrameUpdate: ms('2026-04-05T07:59:58Z'),
    reconnectCount: 2,
    lastDisconnectAt: ms('2026-04-04T10:30:00Z'),
  });
});

test('health: every block optional, extra fields ignored, a missing block changes nothing', () => {
  assert.equal(toHealthEvent(healthSchema.parse({}), AT), { type: 'HEALTH', at: AT });
  const only = healthSchema.parse({ health_metrics: { screen_status: 'frozen', cpu: 99 }, extra: { x: 1 }, actual_state: null });
  assert.equal(toHealthEvent(only, AT), { type: 'HEALTH', at: AT, screenStatus: 'FROZEN' });
  const b = healthSchema.parse({ broker_connection: { reconnect_count: '3', last_disconnect_at: null } });
  assert.equal(toHealthEvent(b, AT), { type: 'HEALTH', at: AT, reconnectCount: 3, lastDisconnectAt: null });
  for (const bad of [{ actual_state: 'running' }, { actual_state: { pid: 'x' } }, { health_metrics: { screen_status: 'PURPLE' } }, { broker_connection: { broker_reachable: 'yes' } }]) {
    assert.not.ok(healthSchema.safeParse(bad).success, JSON.stringify(bad));
  }
});

test('timestamps: Z, +00:00, other offsets, naive (= UTC), microseconds; garbage = absent', () => {
  const t = (s: string) => toHealthEvent(healthSchema.parse({ health_metrics: { last_frame_update: s } }), AT);
  const expected = ms('2026-04-05T07:59:58.123Z');
  assert.is(t('2026-04-05T07:59:58.123Z').lastFrameUpdate, expected);
  assert.is(t('2026-04-05T07:59:58.123456+00:00').lastFrameUpdate, expected);
  assert.is(t('2026-04-05T07:59:58.123456').lastFrameUpdate, expected, 'naive is UTC');
  assert.is(t('2026-04-05 07:59:58.123').lastFrameUpdate, expected, 'space separator');
  assert.is(t('2026-04-05T09:59:58.123+02:00').lastFrameUpdate, expected);
  assert.not.ok('lastFrameUpdate' in t('yesterday'), 'unparseable → field left out, nothing overwritten');
  assert.not.ok(healthSchema.safeParse({ health_metrics: { last_frame_update: 12345 } }).success, 'a number is a wrong type');
});

test('log: level from the topic, context any JSON or absent, missing timestamp = server time', () => {
  assert.equal(toLogEntry('ERROR', logSchema.parse(examples.log), AT), {
    level: 'ERROR',
    timestamp: ms('2026-04-05T08:00:01Z'),
    message: 'Process vlc crashed',
    context: { event_id: 42, restart_attempt: 1 },
    deviceStamped: true,
  });
  assert.equal(toLogEntry('INFO', logSchema.parse({ message: 'hi' }), AT), { level: 'INFO', timestamp: AT, message: 'hi', context: null, deviceStamped: false });
  assert.equal(toLogEntry('WARN', logSchema.parse({ message: 'm', context: [1, 'a'], timestamp: '2026-04-05T08:00:01' }), AT).context, [1, 'a']);
  assert.is(toLogEntry('WARN', logSchema.parse({ message: 'm', context: 'text' }), AT).context, 'text');
  assert.is(toLogEntry('WARN', logSchema.parse({ message: 'm', timestamp: '2026-04-05T08:00:01+00:00' }), AT).timestamp, ms('2026-04-05T08:00:01Z'));
  assert.not.ok(logSchema.safeParse({ timestamp: '2026-04-05T08:00:01Z' }).success, 'message required');
  assert.not.ok(logSchema.safeParse({ message: 42 }).success);
});

test('service_failed: unit and failed_at; lenient when missing', () => {
  assert.equal(toServiceFailedEvent(serviceFailedSchema.parse(examples.serviceFailed), AT), {
    type: 'SERVICE_FAILED',
    at: AT,
    unit: 'infoscreen-display.service',
    failedAt: ms('2026-04-05T07:58:00Z'),
  });
  assert.equal(toServiceFailedEvent(serviceFailedSchema.parse({ event: 'service_failed' }), AT), { type: 'SERVICE_FAILED', at: AT, unit: '', failedAt: AT });
  assert.not.ok(serviceFailedSchema.safeParse({ unit: 5 }).success);
});

test('ack: command_id + status required; error fields null when missing; status any case', () => {
  assert.equal(toCommandAck(ackSchema.parse(examples.ack)), {
    commandId: '5d1f8b4b-7e85-44fb-8f38-3f5d5da5e2e4',
    status: 'failed',
    errorCode: 'execution_failed',
    errorMessage: 'systemctl exited 1',
  });
  assert.equal(toCommandAck(ackSchema.parse({ command_id: 'c1', status: 'ACCEPTED' })), { commandId: 'c1', status: 'accepted', errorCode: null, errorMessage: null });
  assert.equal(toCommandAck(ackSchema.parse({ command_id: 'c1', status: 'completed', error_code: null, error_message: '' })).errorMessage, null);
  for (const bad of [{ status: 'completed' }, { command_id: 'c1' }, { command_id: '', status: 'completed' }, { command_id: 'c1', status: 'done' }, { command_id: 5, status: 'completed' }]) {
    assert.not.ok(ackSchema.safeParse(bad).success, JSON.stringify(bad));
  }
});

test('dashboard v2: data from content.screenshot, type from metadata.capture.type, metadata without the bytes', () => {
  const parts = dashboardParts(dashboardSchema.parse(examples.dashboard));
  assert.is(parts.base64, JPEG_B64);
  assert.is(parts.captureType, 'event_start');
  assert.is(parts.capturedAt, ms('2026-04-05T08:00:00Z'));
  assert.equal((parts.metadata.content as any).screenshot, { timestamp: '2026-04-05T08:00:00Z', width: 1920, height: 1080 });
  assert.equal(parts.metadata.runtime, examples.dashboard.runtime);
  assert.not.ok(JSON.stringify(parts.metadata).includes(JPEG_B64));
  const plain = dashboardParts(dashboardSchema.parse({ content: { screenshot: { data: JPEG_B64 } } }));
  assert.is(plain.captureType, 'periodic', 'default');
  assert.is(plain.capturedAt, null);
  assert.is(dashboardParts(dashboardSchema.parse({ ...examples.dashboard, metadata: { capture: { type: 'weird' } } })).captureType, 'periodic');
  for (const bad of [{}, { content: {} }, { content: { screenshot: { data: '' } } }, { content: { screenshot: { data: 5 } } }, { data: JPEG_B64 }]) {
    assert.not.ok(dashboardSchema.safeParse(bad).success, JSON.stringify(bad));
  }
});

test('legacy screenshot: data or image; screenshot_type / capture_type / metadata.capture.type', () => {
  const p = legacyScreenshotParts(legacyScreenshotSchema.parse(examples.screenshot));
  assert.is(p.base64, JPEG_B64);
  assert.is(p.captureType, 'periodic');
  assert.is(p.capturedAt, ms('2026-04-05T08:00:00Z'), 'naive timestamp');
  assert.equal(p.metadata, { timestamp: '2026-04-05T08:00:00', screenshot_type: 'periodic' });
  assert.is(legacyScreenshotParts(legacyScreenshotSchema.parse({ data: 'AAAA', capture_type: 'event_stop' })).captureType, 'event_stop');
  assert.is(legacyScreenshotParts(legacyScreenshotSchema.parse({ data: 'AAAA', metadata: { capture: { type: 'EVENT_START' } } })).captureType, 'event_start');
  assert.not.ok(legacyScreenshotSchema.safeParse({ timestamp: 'x' }).success);
});

test('a device\'s free text is kept to 256 characters (hostname, address, version)', () => {
  const info = toDiscoveryInfo(discoverySchema.parse({ uuid: UUID, hostname: 'h'.repeat(100_000), ip: 'i'.repeat(300), software_version: 'v'.repeat(257) }));
  assert.equal([info.hostname!.length, info.ip!.length, info.softwareVersion!.length], [256, 256, 256]);
});

test.run();
