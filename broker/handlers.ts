/**
 * One handler per topic family (docs/mqtt.md "Client → server"), each pairing its zod schema with the
 * port call it makes. The dispatcher (ingest.ts) has already checked size, topic and JSON, and
 * runs `schema` before `run`, so a handler only ever sees a valid payload. No SQL, no actors here.
 */
import { z } from 'zod';
import type { IngestPort } from '../domain/ingest.port.ts';
import type { Publisher } from './publisher.ts';
import type { ParsedTopic } from './topics.ts';
import { topics } from './topics.ts';
import { decodeBase64 } from './base64.ts';
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
  type ScreenshotParts,
} from './schemas.ts';

export interface HandlerContext {
  port: IngestPort;
  publisher: Publisher;
  at: number; // server receive time, epoch ms
  /** Reports a failure of the handler's asynchronous part (counted as handler_error). */
  onAsyncError(err: unknown): void;
}

/**
 * `run` returns nothing when the message was taken, or a short reason when the payload passed the
 * schema but is still unusable (e.g. bad base64): the dispatcher counts that as bad_payload.
 */
export interface Family<S extends z.ZodType = z.ZodType> {
  schema: S;
  run(ctx: HandlerContext, topic: ParsedTopic, payload: z.output<S>): string | void;
}

const family = <S extends z.ZodType>(f: Family<S>): Family => f as unknown as Family;
const uuidOf = (t: ParsedTopic) => ('uuid' in t ? t.uuid : '');

function storeScreenshot(ctx: HandlerContext, uuid: string, parts: ScreenshotParts): string | void {
  const jpeg = decodeBase64(parts.base64);
  if (!jpeg) return 'screenshot data is not base64';
  const shot = { jpeg, captureType: parts.captureType, capturedAt: parts.capturedAt, metadata: parts.metadata };
  ctx.port.screenshot(uuid, shot, ctx.at).catch(ctx.onAsyncError);
}

export const families: Record<ParsedTopic['kind'], Family> = {
  discovery: family({
    schema: discoverySchema,
    run(ctx, _t, p) {
      const { groupId } = ctx.port.discovery(p.uuid, toDiscoveryInfo(p), ctx.at);
      // docs/mqtt.md: `{status:"ok", uuid, group_id?}` on discovery_ack, QoS 1, not retained.
      const ack = groupId === null ? { status: 'ok', uuid: p.uuid } : { status: 'ok', uuid: p.uuid, group_id: groupId };
      ctx.publisher.publish(topics.discoveryAck(p.uuid), JSON.stringify(ack), { qos: 1, retain: false }).catch(ctx.onAsyncError);
    },
  }),
  heartbeat: family({
    schema: heartbeatSchema,
    run: (ctx, t, p) => ctx.port.clientEvent(uuidOf(t), toHeartbeatEvent(p, ctx.at)),
  }),
  health: family({
    schema: healthSchema,
    run: (ctx, t, p) => ctx.port.clientEvent(uuidOf(t), toHealthEvent(p, ctx.at)),
  }),
  log: family({
    schema: logSchema,
    run: (ctx, t, p) => {
      if (t.kind === 'log') ctx.port.log(t.uuid, toLogEntry(t.level, p, ctx.at), ctx.at);
    },
  }),
  service_failed: family({
    schema: serviceFailedSchema,
    run: (ctx, t, p) => ctx.port.clientEvent(uuidOf(t), toServiceFailedEvent(p, ctx.at)),
  }),
  ack: family({
    schema: ackSchema,
    run: (ctx, t, p) => ctx.port.commandAck(uuidOf(t), toCommandAck(p), ctx.at),
  }),
  dashboard: family({
    schema: dashboardSchema.transform(dashboardParts),
    run: (ctx, t, parts) => storeScreenshot(ctx, uuidOf(t), parts),
  }),
  screenshot: family({
    // The legacy topic carries `{data|image, …}`; a v2 dashboard payload is accepted here too.
    schema: z.union([dashboardSchema.transform(dashboardParts), legacyScreenshotSchema.transform(legacyScreenshotParts)]),
    run: (ctx, t, parts) => storeScreenshot(ctx, uuidOf(t), parts),
  }),
};
