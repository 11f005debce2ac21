/**
 * zod schemas for every client → server payload (docs/mqtt.md "Client → server"), and pure functions
 * turning a validated payload into the typed values of domain/ingest.port.ts / domain/client.types.ts.
 *
 * Leniency policy (docs/mqtt.md "Bad input" + "Health payload"):
 * - the payload must be a JSON object; unknown extra fields are ignored;
 * - every optional field and every health block may be missing or null; missing changes nothing;
 * - a field of the wrong JSON type drops the whole payload (bad_payload), with two tolerances:
 *   integers and event ids may come as strings ("42"), enum values in any case;
 * - timestamps: `Z`, `+00:00` (any offset) or naive (= UTC). A timestamp string that is not a date
 *   is treated as absent (server time where one is needed), so one bad clock field never loses a
 *   heartbeat or a log line. Heartbeat and health `timestamp` are not used: liveness is server time.
 */
import { z } from 'zod';
import type { CaptureType, ClientEvent, LogLevel, ProcessStatus, ScreenStatus } from '../domain/client.types.ts';
import type { CommandAck, DiscoveryInfo, LogEntry } from '../domain/ingest.port.ts';
import { parseWireTime } from '../lib/time.ts';
import { canonicalUuid } from './topics.ts';

// ── field helpers ────────────────────────────────────────────────────────────────────────────
/** A device's free text (hostname, address, version, process): kept to 256 characters, so a device
 * cannot put megabytes into its own record and every page and live update that shows it. */
const str = z.string().transform((s) => s.slice(0, 256)).nullish();
const int = z.union([z.number().int(), z.string().trim().regex(/^-?\d{1,15}$/).transform(Number)]).nullish();
/** Event ids are stored as strings; clients send numbers (`"event_id": 42`) or strings. */
const eventId = z.union([z.string(), z.number().finite()]).transform(String).nullish();
/** Epoch ms, or undefined (= absent) when the string is not a date. */
const wireTime = z.string().transform((s) => parseWireTime(s) ?? undefined).nullish();
const oneOf = <T extends string>(values: readonly T[], norm: (s: string) => string) =>
  z.string().transform((s, ctx) => {
    const v = norm(s.trim()) as T;
    if (values.includes(v)) return v;
    ctx.addIssue({ code: 'custom', message: `expected one of ${values.join(', ')}` });
    return z.NEVER;
  });
const lower = (s: string) => s.toLowerCase();

const PROCESS: readonly ProcessStatus[] = ['unknown', 'starting', 'running', 'crashed', 'stopped'];
const SCREEN: readonly ScreenStatus[] = ['OK', 'BLACK', 'FROZEN', 'UNKNOWN'];
const ACK: readonly CommandAck['status'][] = ['accepted', 'execution_started', 'completed', 'failed'];
const CAPTURE: readonly CaptureType[] = ['periodic', 'event_start', 'event_stop'];
const processStatus = oneOf(PROCESS, lower).nullish();

type EventOf<T extends ClientEvent['type']> = Extract<ClientEvent, { type: T }>;

/** Only keys whose value is defined: a missing field must not overwrite the actor's state. */
function defined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

// ── discovery ────────────────────────────────────────────────────────────────────────────────
/** `{uuid, hostname?, ip?, software_version?, …}`: every other field is hardware info. */
export const discoverySchema = z.looseObject({
  uuid: z.string().transform((s, ctx) => {
    const uuid = canonicalUuid(s.trim());
    if (uuid) return uuid;
    ctx.addIssue({ code: 'custom', message: 'not a UUID' });
    return z.NEVER;
  }),
  hostname: str,
  ip: str,
  software_version: str,
});
export type DiscoveryPayload = z.output<typeof discoverySchema>;

export function toDiscoveryInfo(p: DiscoveryPayload): DiscoveryInfo {
  const { uuid: _u, hostname, ip, software_version, hardware, ...rest } = p;
  const block = hardware && typeof hardware === 'object' && !Array.isArray(hardware) ? (hardware as Record<string, unknown>) : hardware == null ? {} : { hardware };
  const hw = { ...block, ...rest };
  return {
    hostname: hostname ?? null,
    ip: ip ?? null,
    hardware: Object.keys(hw).length ? hw : null,
    softwareVersion: software_version ?? null,
  };
}

// ── heartbeat ────────────────────────────────────────────────────────────────────────────────
export const heartbeatSchema = z.object({
  current_process: str,
  process_pid: int,
  process_status: processStatus,
  current_event_id: eventId,
});
export type HeartbeatPayload = z.output<typeof heartbeatSchema>;

export function toHeartbeatEvent(p: HeartbeatPayload, at: number): EventOf<'HEARTBEAT'> {
  return defined({
    type: 'HEARTBEAT' as const,
    at,
    processName: p.current_process,
    pid: p.process_pid,
    processStatus: p.process_status ?? undefined,
    currentEventId: p.current_event_id,
  });
}

// ── health ───────────────────────────────────────────────────────────────────────────────────
export const healthSchema = z.object({
  expected_state: z.object({ event_id: eventId }).nullish(),
  actual_state: z.object({ process: str, pid: int, status: processStatus }).nullish(),
  health_metrics: z.object({ screen_status: oneOf(SCREEN, (s) => s.toUpperCase()).nullish(), last_frame_update: wireTime }).nullish(),
  broker_connection: z.object({ broker_reachable: z.boolean().nullish(), reconnect_count: int, last_disconnect_at: wireTime }).nullish(),
});
export type HealthPayload = z.output<typeof healthSchema>;

export function toHealthEvent(p: HealthPayload, at: number): EventOf<'HEALTH'> {
  const a = p.actual_state, m = p.health_metrics, b = p.broker_connection;
  return defined({
    type: 'HEALTH' as const,
    at,
    processName: a?.process,
    pid: a?.pid,
    processStatus: a?.status ?? undefined,
    currentEventId: p.expected_state?.event_id,
    screenStatus: m?.screen_status ?? undefined,
    lastFrameUpdate: m?.last_frame_update,
    reconnectCount: b?.reconnect_count,
    lastDisconnectAt: b?.last_disconnect_at,
  });
}

// ── logs ─────────────────────────────────────────────────────────────────────────────────────
/** `{timestamp, message, context?}`; the level comes from the topic. Context: any JSON. */
export const logSchema = z.object({ timestamp: wireTime, message: z.string(), context: z.unknown().optional() });
export type LogPayload = z.output<typeof logSchema>;

export function toLogEntry(level: LogLevel, p: LogPayload, at: number): LogEntry {
  return { level, timestamp: p.timestamp ?? at, message: p.message, context: p.context ?? null, deviceStamped: p.timestamp != null };
}

// ── service_failed ───────────────────────────────────────────────────────────────────────────
/** `{event:"service_failed", unit, client_uuid, failed_at}`; the topic's uuid wins over client_uuid. */
export const serviceFailedSchema = z.object({ unit: str, failed_at: wireTime });
export type ServiceFailedPayload = z.output<typeof serviceFailedSchema>;

export function toServiceFailedEvent(p: ServiceFailedPayload, at: number): EventOf<'SERVICE_FAILED'> {
  return { type: 'SERVICE_FAILED', at, unit: (p.unit ?? '').slice(0, 128), failedAt: p.failed_at ?? at };
}

// ── command ack ──────────────────────────────────────────────────────────────────────────────
/** docs/commands.md: at least command_id + status; missing error fields are null. */
const errField = z.union([z.string(), z.number()]).transform((v) => (String(v) === '' ? null : String(v))).nullish();
export const ackSchema = z.object({
  command_id: z.string().trim().min(1).max(128),
  status: oneOf(ACK, lower),
  error_code: errField,
  error_message: errField,
});
export type AckPayload = z.output<typeof ackSchema>;

export function toCommandAck(p: AckPayload): CommandAck {
  return { commandId: p.command_id, status: p.status, errorCode: p.error_code ?? null, errorMessage: p.error_message ?? null };
}

// ── screenshots ──────────────────────────────────────────────────────────────────────────────
const objectish = z.record(z.string(), z.unknown());

/** Dashboard v2 (docs/mqtt.md): `{message, content:{screenshot:{data, timestamp?, …}}, runtime, metadata:{capture:{type}}}`. */
export const dashboardSchema = z.looseObject({
  content: z.looseObject({ screenshot: z.looseObject({ data: z.string().min(1), timestamp: z.unknown().optional() }) }),
  metadata: objectish.nullish(),
});
export type DashboardPayload = z.output<typeof dashboardSchema>;

/**
 * Legacy `screenshot` topic: `{data | image, timestamp?, screenshot_type? | capture_type?, metadata?}`.
 * A v2 dashboard payload on this topic is accepted too (see `parseScreenshotTopic`).
 */
export const legacyScreenshotSchema = z
  .looseObject({ data: z.string().min(1).optional(), image: z.string().min(1).optional(), metadata: objectish.nullish() })
  .refine((p) => p.data !== undefined || p.image !== undefined, { message: 'data or image required' });
export type LegacyScreenshotPayload = z.output<typeof legacyScreenshotSchema>;

/** A screenshot before its base64 is decoded (ingest decodes and counts bad base64). */
export interface ScreenshotParts {
  base64: string;
  captureType: CaptureType;
  capturedAt: number | null;
  metadata: Record<string, unknown>; // the payload without the image bytes
}

/** Unknown or missing capture types are `periodic` (docs/mqtt.md default): a screenshot is still one. */
function captureType(...candidates: unknown[]): CaptureType {
  for (const c of candidates) {
    const v = typeof c === 'string' ? c.trim().toLowerCase() : '';
    if ((CAPTURE as readonly string[]).includes(v)) return v as CaptureType;
  }
  return 'periodic';
}
const timeOf = (v: unknown) => (typeof v === 'string' ? parseWireTime(v) : null);
const captureOf = (metadata: Record<string, unknown> | null | undefined) => {
  const c = metadata?.capture;
  return c && typeof c === 'object' ? (c as Record<string, unknown>) : undefined;
};

export function dashboardParts(p: DashboardPayload): ScreenshotParts {
  const { data, ...shot } = p.content.screenshot;
  return {
    base64: data,
    captureType: captureType(captureOf(p.metadata)?.type),
    capturedAt: timeOf(shot.timestamp),
    metadata: { ...p, content: { ...p.content, screenshot: shot } },
  };
}

export function legacyScreenshotParts(p: LegacyScreenshotPayload): ScreenshotParts {
  const { data, image, ...rest } = p;
  return {
    base64: (data ?? image)!,
    captureType: captureType(captureOf(p.metadata)?.type, rest.screenshot_type, rest.capture_type),
    capturedAt: timeOf(rest.timestamp),
    metadata: rest,
  };
}
