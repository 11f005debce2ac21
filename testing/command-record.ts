/**
 * One command record for the command machine's tests (actors/command.*.test.ts): a fresh,
 * queued `reboot_host` issued at `T0` that expires after 240 s; `over` changes any field.
 */
import { NOT_STARTED, type CommandRecord } from '../domain/command.types.ts';

export const COMMAND_T0 = 1_000_000;

export function commandRecord(over: Partial<CommandRecord> = {}, t0 = COMMAND_T0): CommandRecord {
  return {
    commandId: '5d1f8b4b-7e85-44fb-8f38-3f5d5da5e2e4',
    clientUuid: '9b8d1856-ff34-4864-a726-12de072d0f77',
    action: 'reboot_host',
    status: 'queued',
    reason: null,
    requestedBy: 1,
    issuedAt: t0,
    expiresAt: t0 + 240_000,
    ...NOT_STARTED,
    stageDeadline: t0 + 5000,
    lastSeenAt: t0,
    bulkRunId: null,
    createdAt: t0,
    updatedAt: t0,
    ...over,
  };
}
