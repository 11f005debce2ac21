/**
 * The MQTT ingestion dispatcher: every incoming message goes through `handle(topic, payload)`,
 * which checks, in this order and before any side effect (docs/mqtt.md "Bad input"): size, topic,
 * JSON, schema; then hands the typed value to the family's handler (handlers.ts). Anything
 * rejected is counted in `drops` (logged once per client per minute) and dropped. Never throws.
 */
import { payloadText } from './payload-text.ts';
import type { IngestPort } from '../domain/ingest.port.ts';
import type { Publisher } from './publisher.ts';
import type { DropCounter, DropReason } from './drops.ts';
import { parseTopic } from './topics.ts';
import { families, type HandlerContext } from './handlers.ts';
import { logger, rateLimiter } from '../lib/logger.ts';

const log = logger('ingest');

export interface IngestOptions {
  port: IngestPort;
  publisher: Publisher;
  drops: DropCounter;
  maxPayloadBytes: number; // bytes; larger payloads are dropped as too_large
  now: () => number; // server clock, epoch ms
}

export interface Ingest {
  handle(topic: string, payload: Uint8Array): void;
}

const short = (s: string, n = 120) => (s.length > n ? `${s.slice(0, n)}…` : s);

export function createIngest(opts: IngestOptions): Ingest {
  const { port, publisher, drops, maxPayloadBytes, now } = opts;

  const stackLog = rateLimiter(60_000);
  const drop = (reason: DropReason, uuid: string | null, detail: string) => drops.record(reason, uuid, detail);

  function dispatch(topic: string, payload: Uint8Array): void {
    const parsed = parseTopic(topic);
    const uuid = parsed && 'uuid' in parsed ? parsed.uuid : null;

    if (payload.byteLength > maxPayloadBytes) {
      return drop('too_large', uuid, `${payload.byteLength} bytes on ${short(topic)} (limit ${maxPayloadBytes})`);
    }
    if (!parsed) return drop('bad_topic', null, short(topic));
    // docs/mqtt.md: an empty retained service_failed is the clear travelling back to us; not a drop.
    if (payload.byteLength === 0 && parsed.kind === 'service_failed') return;

    let json: unknown;
    try {
      json = JSON.parse(payloadText(payload));
    } catch {
      return drop('bad_json', uuid, `${parsed.kind}: not JSON`);
    }

    const family = families[parsed.kind];
    const result = family.schema.safeParse(json);
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = issue?.path.length ? issue.path.join('.') : '(payload)';
      return drop('bad_payload', uuid, `${parsed.kind}: ${where}: ${issue?.message ?? 'invalid'}`);
    }

    const at = now();
    const ctx: HandlerContext = {
      port,
      publisher,
      at,
      onAsyncError: (err) => drop('handler_error', uuid, `${parsed.kind}: ${errMessage(err)}`),
    };
    const rejected = family.run(ctx, parsed, result.data);
    if (typeof rejected === 'string') drop('bad_payload', uuid, `${parsed.kind}: ${rejected}`);
  }

  return {
    handle(topic, payload) {
      try {
        dispatch(topic, payload);
      } catch (err) {
        // A handler bug or a throwing port must never take the MQTT connection down.
        const parsed = safeParseTopic(topic);
        drops.record('handler_error', parsed, `${short(topic)}: ${errMessage(err)}`);
        if (stackLog(parsed ?? '(no client)')) log.error(`handler failed for ${short(topic)}`, err);
      }
    },
  };
}

function safeParseTopic(topic: string): string | null {
  try {
    const p = parseTopic(topic);
    return p && 'uuid' in p ? p.uuid : null;
  } catch {
    return null;
  }
}

function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
