/**
 * Named queries for the connectivity history and the server's own runs (docs/availability.md):
 * write statements for the one writer, and the two reads the availability report needs.
 */
import type { InStatement } from '@libsql/client';
import type { Db } from './client.ts';
import type { Change, Connectivity, History, ServerRun } from '../domain/availability.ts';

/** A client's connectivity changed to `state` at `at` (the supervisor reports it; actors/supervisor.ts). */
export function connectivityChangeStatement(uuid: string, state: Connectivity, at: number): InStatement {
  return { sql: 'INSERT INTO connectivity_changes (client_uuid, at, state) VALUES (?, ?, ?)', args: [uuid, at, state] };
}

/**
 * Every client's persisted state at a server start, before the actors are restored: history that
 * began before this table existed, or lost its last change in a crash, is whole again from here.
 */
export function startBaselineStatement(at: number): InStatement {
  return {
    sql: `INSERT INTO connectivity_changes (client_uuid, at, state)
          SELECT uuid, ?, CASE connectivity WHEN 'online' THEN 'online' WHEN 'offline' THEN 'offline' ELSE 'unknown' END FROM clients`,
    args: [at],
  };
}

export function serverRunStartStatement(id: string, at: number): InStatement {
  return { sql: 'INSERT INTO server_runs (id, started_at, alive_until) VALUES (?, ?, ?)', args: [id, at, at] };
}

/** The run was still up at `at` (written with every instance-lease renewal, runtime/lease.ts). */
export function serverAliveStatement(id: string, at: number): InStatement {
  return { sql: 'UPDATE server_runs SET alive_until = max(alive_until, ?) WHERE id = ?', args: [at, id] };
}

export function serverRunEndStatement(id: string, at: number): InStatement {
  return { sql: 'UPDATE server_runs SET alive_until = max(alive_until, ?), ended_at = ? WHERE id = ?', args: [at, at, id] };
}

/** Runs overlapping [from, to), plus the newest run whatever its times (it may be this server's own). */
export async function listServerRuns(db: Db, from: number, to: number): Promise<ServerRun[]> {
  const rs = await db.execute({
    sql: `SELECT id, started_at, alive_until, ended_at FROM server_runs
          WHERE (started_at < :to AND alive_until >= :from) OR id = (SELECT id FROM server_runs ORDER BY started_at DESC, rowid DESC LIMIT 1)
          ORDER BY started_at`,
    args: { from, to },
  });
  return rs.rows.map((r) => ({
    id: String(r.id),
    startedAt: Number(r.started_at),
    aliveUntil: Number(r.alive_until),
    endedAt: r.ended_at === null ? null : Number(r.ended_at),
  }));
}

/**
 * Each client's history for [from, to): its last state before `from` and its changes inside, in
 * order. The changes come back as one concatenated string per client: libSQL builds a JavaScript
 * object per row, which for 5,000 screens × 30 days would cost more than the whole report
 * (docs/availability.md "Performance"). `uuid` narrows it to one client.
 */
export async function loadHistories(db: Db, from: number, to: number, uuid?: string): Promise<Map<string, History>> {
  const one = uuid === undefined ? '' : 'AND client_uuid = :uuid';
  const [before, inside] = await Promise.all([
    db.execute({
      sql: `SELECT uuid, (SELECT state FROM connectivity_changes k WHERE k.client_uuid = clients.uuid AND k.at < :from
              ORDER BY k.at DESC, k.id DESC LIMIT 1) AS state
            FROM clients ${uuid === undefined ? '' : 'WHERE uuid = :uuid'}`,
      args: { from, uuid: uuid ?? null },
    }),
    db.execute({
      // No ORDER BY inside group_concat: it costs a sort per client (twice the time), while the
      // scan of the (client_uuid, at) index already yields each client's rows in order; parseChanges
      // checks and sorts if a store ever answers otherwise.
      // States as one digit each (STATE_CODES), so the JavaScript side reads characters, not substrings.
      sql: `SELECT client_uuid, group_concat(at, ',') AS ats,
              group_concat(CASE state WHEN 'online' THEN 0 WHEN 'offline' THEN 1 ELSE 2 END, '') AS states
            FROM connectivity_changes WHERE at >= :from AND at < :to ${one} GROUP BY client_uuid`,
      args: { from, to, uuid: uuid ?? null },
    }),
  ]);
  const out = new Map<string, History>();
  for (const r of before.rows) out.set(String(r.uuid), { before: (r.state as Connectivity | null) ?? null, changes: [] });
  for (const r of inside.rows) {
    const h = out.get(String(r.client_uuid));
    if (h) h.changes = parseChanges(String(r.ats), String(r.states));
  }
  return out;
}

const STATE_CODES: readonly Connectivity[] = ['online', 'offline', 'unknown'];

/** `ats` = "t1,t2,…" (epoch ms), `states` = one digit per change; parsed by hand (330,000 a report). */
function parseChanges(ats: string, states: string): Change[] {
  const out: Change[] = new Array(states.length);
  let sorted = true;
  let n = 0;
  let at = 0;
  for (let i = 0; i <= ats.length; i++) {
    const c = i < ats.length ? ats.charCodeAt(i) : 44;
    if (c !== 44) {
      at = at * 10 + (c - 48);
      continue;
    }
    out[n] = { at, state: STATE_CODES[states.charCodeAt(n) - 48] ?? 'unknown' };
    if (n > 0 && at < out[n - 1].at) sorted = false;
    n++;
    at = 0;
  }
  return sorted ? out : out.sort((x, y) => x.at - y.at); // stable: equal times keep their order
}
