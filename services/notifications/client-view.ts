/** What notifications need to know of a client, from its record (name, group, offline, service, crash recovery). */
import { clientName, type ClientRecord } from '../../domain/client.types.ts';
import type { ClientView } from './sources.ts';

export function clientView(r: ClientRecord | undefined): ClientView | undefined {
  if (!r) return undefined;
  return {
    name: clientName(r),
    groupId: r.groupId,
    offline: r.connectivity === 'offline',
    serviceFailed: r.serviceStatus === 'failed',
    waitingManual: r.recoveryState === 'waiting_manual',
  };
}
