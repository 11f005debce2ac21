/**
 * Restoring a client actor from its persisted record. The region states come back as they were
 * (connectivity recomputed from `last_alive`: a client silent for longer than the grace period is
 * offline at once); the actor is created from that snapshot, then `RESUME` arms the grace timer
 * with the time left (decision 2: XState does not re-arm `after` for restored snapshots).
 * Building the snapshot directly is also ~2.5× cheaper than replaying start-up transitions.
 */
import type { ClientRecord, Connectivity } from './client.types.ts';
import { clientMachine, initialContext, type ClientInput } from './client.machine.ts';

export function restoredConnectivity(r: ClientRecord, now: number, graceMs: number): Connectivity {
  if (r.lastAlive === null) return 'unknown';
  return now - r.lastAlive < graceMs ? 'online' : 'offline';
}

export function restoredSnapshot(input: ClientInput) {
  const r = input.record;
  return clientMachine.resolveState({
    value: {
      connectivity: restoredConnectivity(r, input.now, input.graceMs),
      process: r.processStatus,
      service: r.serviceStatus,
      screen: r.screenHealthStatus,
      recovery: r.recoveryState,
    },
    context: initialContext(input),
  });
}
