/**
 * Payload builders for the fleet simulator: the exact client → server shapes of docs/mqtt.md
 * ("Client → server" table, health payload) and the ack of docs/commands.md / command.schema.json.
 * Pure functions, so tests and benchmarks can build the same bytes without a VirtualClient.
 */

/** The three timestamp spellings the server must accept (docs/mqtt.md, first paragraph). */
export type TimeStyle = 'python' | 'z' | 'naive';

/** `2026-04-05T08:00:00.123456+00:00` (Python isoformat, what the field clients send), `…Z`, or naive. */
export function stamp(ms: number, style: TimeStyle = 'python'): string {
  const iso = new Date(ms).toISOString(); // 2026-04-05T08:00:00.123Z
  if (style === 'z') return iso;
  const micro = `${iso.slice(0, 23)}${String(Math.floor((ms % 1) * 1000)).padStart(3, '0')}`;
  return style === 'python' ? `${micro}+00:00` : micro;
}

export type ProcStatus = 'running' | 'crashed' | 'starting' | 'stopped';
export type ScreenStatus = 'OK' | 'BLACK' | 'FROZEN' | 'UNKNOWN';

/** What a simulated device currently reports about itself. */
export interface DeviceState {
  uuid: string;
  hostname: string;
  ip: string;
  softwareVersion: string;
  process: string; // vlc, chromium, impressive
  pid: number;
  status: ProcStatus;
  eventId: number | null;
  screen: ScreenStatus;
  lastFrameAt: number; // epoch ms
  reconnectCount: number;
  lastDisconnectAt: number | null;
  style: TimeStyle;
}

export function discoveryPayload(d: DeviceState) {
  return {
    uuid: d.uuid,
    hostname: d.hostname,
    ip: d.ip,
    hardware: { model: 'Raspberry Pi 4 Model B Rev 1.4', cpu_cores: 4, memory_mb: 4096, os: 'Debian GNU/Linux 12 (bookworm)' },
    software_version: d.softwareVersion,
  };
}

export function heartbeatPayload(d: DeviceState, now: number) {
  return {
    uuid: d.uuid,
    timestamp: stamp(now, d.style),
    current_process: d.status === 'stopped' ? null : d.process,
    process_pid: d.status === 'running' ? d.pid : null,
    process_status: d.status,
    current_event_id: d.eventId,
  };
}

export function healthPayload(d: DeviceState, now: number) {
  return {
    timestamp: stamp(now, d.style),
    expected_state: { event_id: d.eventId },
    actual_state: { process: d.process, pid: d.status === 'running' ? d.pid : null, status: d.status },
    health_metrics: { screen_status: d.screen, last_frame_update: stamp(d.lastFrameAt, 'z') },
    broker_connection: {
      broker_reachable: true,
      reconnect_count: d.reconnectCount,
      last_disconnect_at: d.lastDisconnectAt === null ? null : stamp(d.lastDisconnectAt, 'z'),
    },
  };
}

export function logPayload(d: DeviceState, now: number, message: string, context: Record<string, unknown> = {}) {
  return { timestamp: stamp(now, d.style), message, context };
}

export function serviceFailedPayload(d: DeviceState, now: number, unit = 'infoscreen-client.service') {
  return { event: 'service_failed', unit, client_uuid: d.uuid, failed_at: stamp(now, 'z') };
}

export type CaptureType = 'periodic' | 'event_start' | 'event_stop';

/** The v2 grouped dashboard payload (docs/mqtt.md: message / content.screenshot.data / runtime / metadata.capture.type). */
export function dashboardPayload(d: DeviceState, now: number, jpeg: Uint8Array, type: CaptureType = 'periodic') {
  const ts = stamp(now, d.style);
  return {
    message: { client_id: d.uuid, status: 'alive', timestamp: ts },
    content: {
      screenshot: { filename: 'latest.jpg', data: toBase64(jpeg), timestamp: ts, size: jpeg.length },
    },
    runtime: {
      system_info: { hostname: d.hostname, ip: d.ip, uptime: Math.round(performance.now() / 1000) },
      process_health: { event_id: d.eventId, event_type: d.process === 'vlc' ? 'video' : 'website', current_process: d.process, process_pid: d.pid, process_status: d.status },
    },
    metadata: {
      schema_version: '2.0',
      producer: 'simclient',
      published_at: ts,
      capture: { type, captured_at: ts, age_s: 0.4, triggered: type !== 'periodic', send_immediately: type !== 'periodic' },
      transport: { qos: 0, publisher: 'simclient' },
    },
  };
}

export type AckStatus = 'accepted' | 'execution_started' | 'completed' | 'failed';

/** command.schema.json `ack`: exactly four keys; error fields non-empty only when failed. */
export function ackPayload(commandId: string, status: AckStatus, errorCode: string | null = null, errorMessage: string | null = null) {
  return { command_id: commandId, status, error_code: errorCode, error_message: errorMessage };
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

// Two real 64×36 baseline JPEGs (drawn on a canvas in Chromium, ICC segment stripped; ~550 and ~300 bytes).
const FRAME_B64 =
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAAkAEADASIAAhEBAxEB/8QAGgAAAgIDAAAAAAAAAAAAAAAAAAIBAwQFBv/EACUQAQACAgIBAwQDAAAAAAAAAAEAAgMEERITIUFxBSIxgRUyUf/EABkBAQEBAQEBAAAAAAAAAAAAAAMCBAEABf/EABsRAQEAAwEBAQAAAAAAAAAAAAEAAgMRMRMh/9oADAMBAAIRAxEAPwDnwjhICOE+tYVpCWBLNTUz7eRpr429g7PqAH+qzIt9M28bcvh48ePyW+44688cjz6/qe6H5GjYwRwmX/Fbtd2uo4Hz2r2K9j8fPPHtMdo0u1scNXhJQj5DkJ7SEcIoSwJUK2qCOEUJYEi2rbL6LdplzBm16dsfDTYPsyHJ6L7TaZL6eLHtVxZMNb31GtqUy9qFux6VX8+ntOcCOEh19e0/Thy6++/qO75/Pj8lMxhq9jjo2rZfj+x+5zOfi2zlREbqJ8yoI4SsNZhFt2udISwIoRwi2ZbVEchCHbmsrHIQlRM5HIQnYWsI5CE7Flf/2Q==';
const BLACK_B64 =
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAAkAEADASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAf/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFAEBAAAAAAAAAAAAAAAAAAAAAP/EABQRAQAAAAAAAAAAAAAAAAAAAAD/2gAMAwEAAhEDEQA/AJ+AAAAAAAAAAAAAAAAAAAAAAAD/2Q==';

const decode = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
export const FRAME_JPEG = decode(FRAME_B64);
export const BLACK_JPEG = decode(BLACK_B64);

/**
 * A still-valid JPEG whose bytes differ per call: a COM (0xFFFE) segment with `note` right after
 * SOI. Changing frames keep the server's FROZEN rule (byte-identical periodic shots) quiet.
 */
export function jpegWithComment(base: Uint8Array, note: string): Uint8Array {
  const text = new TextEncoder().encode(note.slice(0, 200));
  const len = text.length + 2; // the length field counts itself
  const out = new Uint8Array(base.length + 2 + len);
  out.set(base.subarray(0, 2), 0); // SOI
  out.set([0xff, 0xfe, len >> 8, len & 0xff], 2);
  out.set(text, 6);
  out.set(base.subarray(2), 6 + text.length);
  return out;
}
