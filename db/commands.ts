/** Named queries for client_commands: the persisted copy of every command actor (docs/commands.md). */
import type { InStatement, Row } from '@libsql/client';
import type { Db } from './client.ts';
import type { CommandAction, CommandRecord, CommandStatus } from '../domain/command.types.ts';
import { legacyReason } from '../domain/command.reasons.ts';
import { fromIso, iso } from '../lib/time.ts';

const TIME_FIELDS = [
  ['issued_at', 'issuedAt'],
  ['expires_at', 'expiresAt'],
  ['published_at', 'publishedAt'],
  ['acked_at', 'ackedAt'],
  ['execution_started_at', 'executionStartedAt'],
  ['completed_at', 'completedAt'],
  ['failed_at', 'failedAt'],
  ['stage_deadline', 'stageDeadline'],
  ['last_seen_at', 'lastSeenAt'],
  ['created_at', 'createdAt'],
  ['updated_at', 'updatedAt'],
] as const;
const PLAIN_FIELDS = [
  ['command_id', 'commandId'],
  ['client_uuid', 'clientUuid'],
  ['action', 'action'],
  ['status', 'status'],
  ['reason', 'reason'],
  ['requested_by', 'requestedBy'],
  ['error_code', 'errorCode'],
  ['error_message', 'errorMessage'],
  ['error_reason', 'errorReason'], // migration 0013; older rows: legacyReason()
  ['bulk_run_id', 'bulkRunId'],
] as const;
const COLUMNS = [...PLAIN_FIELDS, ...TIME_FIELDS];
const NAMES = COLUMNS.map(([c]) => c);

const UPSERT_SQL =
  `INSERT INTO client_commands (${NAMES.join(', ')}) VALUES (${NAMES.map(() => '?').join(', ')}) ` +
  `ON CONFLICT(command_id) DO UPDATE SET ${NAMES.filter((c) => c !== 'command_id' && c !== 'created_at')
    .map((c) => `${c} = excluded.${c}`)
    .join(', ')}`;

export function upsertCommandStatement(r: CommandRecord): InStatement {
  const rec = r as unknown as Record<string, unknown>;
  return {
    sql: UPSERT_SQL,
    args: [
      ...PLAIN_FIELDS.map(([, f]) => (rec[f] ?? null) as string | number | null),
      ...TIME_FIELDS.map(([, f]) => iso(rec[f] as number | null)),
    ],
  };
}

export function rowToCommand(row: Row): CommandRecord {
  const out: Record<string, unknown> = {};
  for (const [c, f] of PLAIN_FIELDS) {
    const v = row[c];
    out[f] = typeof v === 'bigint' ? Number(v) : (v ?? null);
  }
  for (const [c, f] of TIME_FIELDS) out[f] = fromIso(row[c]);
  const r = out as unknown as CommandRecord;
  r.errorReason ??= legacyReason(r.errorCode, r.errorMessage);
  return r;
}

const SELECT = `SELECT ${NAMES.join(', ')} FROM client_commands`;

export async function getCommand(db: Db, commandId: string): Promise<CommandRecord | undefined> {
  const rs = await db.execute({ sql: `${SELECT} WHERE command_id = ?`, args: [commandId] });
  return rs.rows[0] ? rowToCommand(rs.rows[0]) : undefined;
}

/** Commands that still need an actor after a restart: live ones, and recovery commands awaiting escalation. */
export async function loadUnsettledCommands(db: Db): Promise<CommandRecord[]> {
  const rs = await db.execute(
    `${SELECT} WHERE status NOT IN ('completed','canceled','blocked_safety','manual_intervention_required')
       AND NOT (status IN ('failed','timed_out','expired') AND NOT (requested_by IS NULL AND action = 'reboot_host'))`,
  );
  return rs.rows.map(rowToCommand);
}

/** Reboot-kind commands created since `sinceMs` (lockout window), blocked ones excluded. */
export async function recentRebootKinds(db: Db, sinceMs: number): Promise<Array<{ uuid: string; createdAt: number }>> {
  const rs = await db.execute({
    sql: `SELECT client_uuid, created_at FROM client_commands
          WHERE created_at >= ? AND action IN ('reboot_host','restart_app') AND status != 'blocked_safety'`,
    args: [iso(sinceMs)],
  });
  return rs.rows.map((r) => ({ uuid: String(r.client_uuid), createdAt: fromIso(r.created_at) ?? 0 }));
}

export interface CommandFilter {
  status?: CommandStatus;
  action?: CommandAction;
  client?: string;
  since?: number;
  limit: number;
  offset: number;
}

/** The audit list, newest first, paged. */
export async function listCommands(db: Db, f: CommandFilter): Promise<{ commands: CommandRecord[]; total: number }> {
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (f.status) (where.push('status = ?'), args.push(f.status));
  if (f.action) (where.push('action = ?'), args.push(f.action));
  if (f.client) (where.push('client_uuid = ?'), args.push(f.client));
  if (f.since !== undefined) (where.push('created_at >= ?'), args.push(iso(f.since)!));
  const clause = where.length ? ` WHERE ${where.join(' AND ')}` : '';
  const [rows, count] = await Promise.all([
    db.execute({ sql: `${SELECT}${clause} ORDER BY created_at DESC, command_id LIMIT ? OFFSET ?`, args: [...args, f.limit, f.offset] }),
    db.execute({ sql: `SELECT COUNT(*) AS n FROM client_commands${clause}`, args }),
  ]);
  return { commands: rows.rows.map(rowToCommand), total: Number(count.rows[0]?.n ?? 0) };
}

