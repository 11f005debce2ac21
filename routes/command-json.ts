/**
 * The JSON view of a command (docs/commands.md "Status API"): camelCase, exactly the listed fields, times
 * UTC ISO 8601 with Z (docs/http.md). Every endpoint that answers a command uses this one mapper.
 */
import type { CommandRecord } from '../domain/command.types.ts';
import { iso } from '../lib/time.ts';

export function commandJson(r: CommandRecord) {
  return {
    commandId: r.commandId,
    clientUuid: r.clientUuid,
    action: r.action,
    status: r.status,
    reason: r.reason,
    requestedBy: r.requestedBy,
    issuedAt: iso(r.issuedAt),
    expiresAt: iso(r.expiresAt),
    publishedAt: iso(r.publishedAt),
    ackedAt: iso(r.ackedAt),
    executionStartedAt: iso(r.executionStartedAt),
    completedAt: iso(r.completedAt),
    failedAt: iso(r.failedAt),
    errorCode: r.errorCode,
    errorMessage: r.errorMessage,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  };
}

export type CommandJson = ReturnType<typeof commandJson>;
