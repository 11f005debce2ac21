/**
 * Every MQTT topic of the frozen contract (docs/mqtt.md): what the server subscribes to, builders for
 * what it publishes, and `parseTopic`, the single place that turns an incoming topic into a kind
 * and a client uuid. A topic whose uuid segment is not a UUID is rejected here, so no client can
 * ever be created out of a bad topic (docs/mqtt.md "Bad input").
 */
import type { LogLevel } from '../domain/client.types.ts';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a 36-char UUID in any case (the canonical form is lower-case). */
export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}

/** Lower-cased UUID, or null when `value` is not one. */
export function canonicalUuid(value: string): string | null {
  return UUID_RE.test(value) ? value.toLowerCase() : null;
}

/** docs/mqtt.md "Who may publish and subscribe": the server account's subscriptions, all QoS 1. */
export const SUBSCRIPTIONS = [
  'infoscreen/discovery',
  'infoscreen/+/heartbeat',
  'infoscreen/+/health',
  'infoscreen/+/logs/#',
  'infoscreen/+/service_failed',
  'infoscreen/+/commands/ack',
  'infoscreen/+/command/ack',
  'infoscreen/+/dashboard',
  'infoscreen/+/screenshot',
] as const;

/** Builders refuse anything but a UUID: a '/', '+' or '#' in a topic would address other clients. */
function u(uuid: string): string {
  if (!UUID_RE.test(uuid)) throw new TypeError(`not a client uuid: ${JSON.stringify(uuid)}`);
  return uuid.toLowerCase();
}

function gid(groupId: number): number {
  if (!Number.isSafeInteger(groupId) || groupId < 0) throw new TypeError(`not a group id: ${groupId}`);
  return groupId;
}

export const topics = {
  // ── server → client (docs/mqtt.md "Server → client") ──
  /** Canonical command topic; the same bytes also go to `commandAlias` (QoS 1, not retained). */
  commands: (uuid: string) => `infoscreen/${u(uuid)}/commands`,
  commandAlias: (uuid: string) => `infoscreen/${u(uuid)}/command`,
  /** Legacy restart topic, only for `reboot_host`: payload `{"action":"restart"}`. */
  legacyRestart: (uuid: string) => `clients/${u(uuid)}/restart`,
  /** Retained group id (JSON number) or empty payload to clear. */
  groupId: (uuid: string) => `infoscreen/${u(uuid)}/group_id`,
  discoveryAck: (uuid: string) => `infoscreen/${u(uuid)}/discovery_ack`,
  /** Retained JSON array of the group's active events. */
  events: (groupId: number) => `infoscreen/events/${gid(groupId)}`,
  /** Retained TV power intent. */
  powerIntent: (groupId: number) => `infoscreen/groups/${gid(groupId)}/power/intent`,
  /** Retained notice from the client; the server publishes an empty retained payload to clear it. */
  serviceFailed: (uuid: string) => `infoscreen/${u(uuid)}/service_failed`,

  // ── client → server (used by tests and the fleet simulator) ──
  discovery: 'infoscreen/discovery',
  heartbeat: (uuid: string) => `infoscreen/${u(uuid)}/heartbeat`,
  health: (uuid: string) => `infoscreen/${u(uuid)}/health`,
  log: (uuid: string, level: LogLevel) => `infoscreen/${u(uuid)}/logs/${level.toLowerCase()}`,
  ack: (uuid: string) => `infoscreen/${u(uuid)}/commands/ack`,
  ackAlias: (uuid: string) => `infoscreen/${u(uuid)}/command/ack`,
  dashboard: (uuid: string) => `infoscreen/${u(uuid)}/dashboard`,
  screenshot: (uuid: string) => `infoscreen/${u(uuid)}/screenshot`,
} as const;

export type ParsedTopic =
  | { kind: 'discovery' }
  | { kind: 'heartbeat' | 'health' | 'service_failed' | 'ack' | 'dashboard' | 'screenshot'; uuid: string }
  | { kind: 'log'; uuid: string; level: LogLevel };

const SIMPLE = new Set(['heartbeat', 'health', 'service_failed', 'dashboard', 'screenshot']);
const LEVELS: Record<string, LogLevel> = { error: 'ERROR', warn: 'WARN', info: 'INFO', debug: 'DEBUG' };

/**
 * Classify an incoming client → server topic. Returns null for anything outside the contract
 * (wrong prefix, unknown leaf, extra or missing levels, non-UUID client segment). The uuid is
 * returned lower-cased. Topic levels other than the uuid are matched exactly (MQTT is case-sensitive).
 */
export function parseTopic(topic: string): ParsedTopic | null {
  // A device publishes on the same few topics again and again; ingestion, the hand-off and the
  // drop counter each ask. Parsed once per topic (frozen: callers share the value).
  let parsed = parsedTopics.get(topic);
  if (parsed !== undefined) return parsed;
  parsed = parseTopicOnce(topic);
  if (topic.length > MEMO_TOPIC_MAX) return parsed; // no valid topic is this long: never keep it
  if (parsed) Object.freeze(parsed);
  if (parsedTopics.size >= PARSED_TOPICS_MAX) parsedTopics.clear(); // bounded: a flood of odd topics
  parsedTopics.set(topic, parsed);
  return parsed;
}

/** About six topics a screen: room for 40,000 screens before the memo starts over. */
const PARSED_TOPICS_MAX = 250_000;
const MEMO_TOPIC_MAX = 96; // the longest valid topic, infoscreen/<uuid>/commands/ack, is 59 characters
const parsedTopics = new Map<string, ParsedTopic | null>();

function parseTopicOnce(topic: string): ParsedTopic | null {
  const parts = topic.split('/');
  if (parts[0] !== 'infoscreen') return null;
  if (parts.length === 2) return parts[1] === 'discovery' ? { kind: 'discovery' } : null;
  const uuid = canonicalUuid(parts[1]);
  if (uuid === null) return null;
  if (parts.length === 3) {
    const leaf = parts[2];
    return SIMPLE.has(leaf) ? ({ kind: leaf, uuid } as ParsedTopic) : null;
  }
  if (parts.length === 4) {
    // commands/ack is canonical, command/ack the compat alias: same handler (docs/mqtt.md).
    if ((parts[2] === 'commands' || parts[2] === 'command') && parts[3] === 'ack') return { kind: 'ack', uuid };
    if (parts[2] === 'logs' && Object.hasOwn(LEVELS, parts[3])) return { kind: 'log', uuid, level: LEVELS[parts[3]] };
  }
  return null;
}
