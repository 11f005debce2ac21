/**
 * The ACL matrix of docs/mqtt.md "Who may publish and subscribe (ACL, deny by default)", as data. The
 * ONE source for the embedded broker's hooks (broker/security.ts), the generated Mosquitto ACL file
 * (broker/mosquitto.ts) and the table-driven tests (testing/acl-harness.ts). Anything no row grants
 * is denied.
 *
 * Device rows use placeholders: `{uuid}` is the device's own uuid, `{group}` its CURRENT group id
 * (rows with `{group}` grant nothing while the device has no group). Server rows use `+`.
 */

export type AclActor = 'server' | 'device';
export type AclAccess = 'publish' | 'subscribe';

export interface AclRow {
  actor: AclActor;
  access: AclAccess;
  topic: string;
  /** docs/mqtt.md: the server publishes service_failed only to clear it (empty retained payload). */
  emptyPayloadOnly?: true;
}

const row = (actor: AclActor, access: AclAccess, topic: string, extra: Partial<AclRow> = {}): AclRow =>
  Object.freeze({ actor, access, topic, ...extra });

export const ACL_MATRIX: readonly AclRow[] = Object.freeze([
  // ── server (one account) ──
  row('server', 'publish', 'infoscreen/+/commands'),
  row('server', 'publish', 'infoscreen/+/command'),
  row('server', 'publish', 'clients/+/restart'),
  row('server', 'publish', 'infoscreen/+/group_id'),
  row('server', 'publish', 'infoscreen/+/discovery_ack'),
  row('server', 'publish', 'infoscreen/events/+'),
  row('server', 'publish', 'infoscreen/groups/+/power/intent'),
  row('server', 'publish', 'infoscreen/+/service_failed', { emptyPayloadOnly: true }),
  row('server', 'subscribe', 'infoscreen/discovery'),
  row('server', 'subscribe', 'infoscreen/+/heartbeat'),
  row('server', 'subscribe', 'infoscreen/+/health'),
  row('server', 'subscribe', 'infoscreen/+/logs/#'),
  row('server', 'subscribe', 'infoscreen/+/service_failed'),
  row('server', 'subscribe', 'infoscreen/+/commands/ack'),
  row('server', 'subscribe', 'infoscreen/+/command/ack'),
  row('server', 'subscribe', 'infoscreen/+/dashboard'),
  row('server', 'subscribe', 'infoscreen/+/screenshot'),
  // ── client <uuid> (its own account) ──
  row('device', 'publish', 'infoscreen/discovery'),
  row('device', 'publish', 'infoscreen/{uuid}/heartbeat'),
  row('device', 'publish', 'infoscreen/{uuid}/health'),
  row('device', 'publish', 'infoscreen/{uuid}/logs/error'),
  row('device', 'publish', 'infoscreen/{uuid}/logs/warn'),
  row('device', 'publish', 'infoscreen/{uuid}/logs/info'),
  row('device', 'publish', 'infoscreen/{uuid}/service_failed'),
  row('device', 'publish', 'infoscreen/{uuid}/commands/ack'),
  row('device', 'publish', 'infoscreen/{uuid}/command/ack'),
  row('device', 'publish', 'infoscreen/{uuid}/dashboard'),
  row('device', 'publish', 'infoscreen/{uuid}/screenshot'),
  row('device', 'subscribe', 'infoscreen/{uuid}/commands'),
  row('device', 'subscribe', 'infoscreen/{uuid}/command'),
  row('device', 'subscribe', 'clients/{uuid}/restart'),
  row('device', 'subscribe', 'infoscreen/{uuid}/group_id'),
  row('device', 'subscribe', 'infoscreen/{uuid}/discovery_ack'),
  row('device', 'subscribe', 'infoscreen/events/{group}'),
  row('device', 'subscribe', 'infoscreen/groups/{group}/power/intent'),
]);

/** Who is asking: the server account, or one device with its group at the time of the check. */
export type Principal = { role: 'server' } | { role: 'device'; uuid: string; groupId: number | null };

export interface Grant {
  topic: string; // concrete topic or filter (server rows keep their wildcards)
  emptyPayloadOnly: boolean;
}

/** The rows of `access` for this principal with placeholders filled in. */
export function grantsFor(p: Principal, access: AclAccess): Grant[] {
  if (p.role === 'server') return SERVER_GRANTS[access]; // static; checked for every forwarded message
  return expand(p, access);
}

function expand(p: Principal, access: AclAccess): Grant[] {
  const out: Grant[] = [];
  for (const r of ACL_MATRIX) {
    if (r.actor !== p.role || r.access !== access) continue;
    let topic = r.topic;
    if (p.role === 'device') {
      if (topic.includes('{group}')) {
        if (p.groupId === null) continue;
        topic = topic.replace('{group}', String(p.groupId));
      }
      topic = topic.replace('{uuid}', p.uuid);
    }
    out.push({ topic, emptyPayloadOnly: r.emptyPayloadOnly === true });
  }
  return out;
}

const SERVER_GRANTS: Record<AclAccess, Grant[]> = {
  publish: expand({ role: 'server' }, 'publish'),
  subscribe: expand({ role: 'server' }, 'subscribe'),
};

/** MQTT 3.1.1 §4.7: does `filter` (may hold + and #) match the concrete `topic`? */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/** Is every topic that `filter` can match also matched by `pattern`? (a subscription inside a grant) */
export function filterCovers(pattern: string, filter: string): boolean {
  const p = pattern.split('/');
  const f = filter.split('/');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '#') return true;
    if (i >= f.length) return false;
    if (f[i] === '#') return false; // '#' asks for more than a single level or literal grants
    if (p[i] === '+') continue;
    if (f[i] === '+' || f[i] !== p[i]) return false;
  }
  return p.length === f.length;
}

export function mayPublish(p: Principal, topic: string, payloadBytes: number): boolean {
  return grantsFor(p, 'publish').some((g) => topicMatches(g.topic, topic) && (!g.emptyPayloadOnly || payloadBytes === 0));
}

export function maySubscribe(p: Principal, filter: string): boolean {
  return grantsFor(p, 'subscribe').some((g) => filterCovers(g.topic, filter));
}

/** Checked for every message delivered: a device's group may have changed since it subscribed. */
export function mayReceive(p: Principal, topic: string): boolean {
  return grantsFor(p, 'subscribe').some((g) => topicMatches(g.topic, topic));
}
