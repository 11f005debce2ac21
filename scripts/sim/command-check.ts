/**
 * Client-side command validation, as a field client does it (docs/mqtt.md "Command payload",
 * command.schema.json `command`): exactly eight keys, addressed to this client, not expired.
 * Independent of the server's own schemas on purpose: the simulator should catch server bugs.
 */
import { z } from 'zod';

export const COMMAND_KEYS = ['schema_version', 'command_id', 'client_uuid', 'action', 'issued_at', 'expires_at', 'requested_by', 'reason'] as const;

const commandSchema = z.strictObject({
  schema_version: z.literal('1.0'),
  command_id: z.uuid(),
  client_uuid: z.uuid(),
  action: z.enum(['reboot_host', 'shutdown_host', 'restart_app']),
  issued_at: z.iso.datetime({ offset: true }),
  expires_at: z.iso.datetime({ offset: true }),
  requested_by: z.int().min(1).nullable(),
  reason: z.string().max(2000).nullable(),
});

export type Command = z.infer<typeof commandSchema>;

export type CheckResult =
  | { ok: true; command: Command }
  /** `commandId` null: nothing to ack, the command is dropped silently. */
  | { ok: false; commandId: string | null; code: 'invalid_schema' | 'missing_field' | 'stale_command'; message: string };

export function checkCommand(raw: Uint8Array | string, ownUuid: string, now: number): CheckResult {
  let data: unknown;
  try {
    data = JSON.parse(typeof raw === 'string' ? raw : new TextDecoder().decode(raw));
  } catch {
    return { ok: false, commandId: null, code: 'invalid_schema', message: 'payload is not JSON' };
  }
  const obj = data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : null;
  const id = obj && typeof obj.command_id === 'string' && z.uuid().safeParse(obj.command_id).success ? obj.command_id : null;
  if (!obj) return { ok: false, commandId: null, code: 'invalid_schema', message: 'payload is not an object' };
  const missing = COMMAND_KEYS.filter((k) => !(k in obj));
  if (missing.length) return { ok: false, commandId: id, code: 'missing_field', message: `missing: ${missing.join(', ')}` };
  const parsed = commandSchema.safeParse(obj);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => i.path.join('.') || i.message).join(', ');
    return { ok: false, commandId: id, code: 'invalid_schema', message: `invalid: ${where}` };
  }
  const cmd = parsed.data;
  if (cmd.client_uuid !== ownUuid) return { ok: false, commandId: id, code: 'invalid_schema', message: 'client_uuid is not this client' };
  if (Date.parse(cmd.expires_at) <= now) return { ok: false, commandId: id, code: 'stale_command', message: `expired at ${cmd.expires_at}` };
  return { ok: true, command: cmd };
}
