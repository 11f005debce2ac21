/** A command's MQTT wire payload (docs/mqtt.md), as the command registry publishes it. */
import type { PublishInput } from './command.machine.ts';

/** The wire payload: exactly the eight keys of docs/mqtt.md, identical bytes on both topics. */
export function commandPayload(c: PublishInput): string {
  return JSON.stringify({
    schema_version: '1.0',
    command_id: c.commandId,
    client_uuid: c.clientUuid,
    action: c.action,
    issued_at: wireTime(c.issuedAt),
    expires_at: wireTime(c.expiresAt),
    requested_by: c.requestedBy,
    reason: c.reason,
  });
}

const wireTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
