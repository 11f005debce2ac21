/**
 * Restoring a client actor from its persisted record. The region states come back as they were
 * (connectivity recomputed from `last_alive`: a client silent for longer than the grace period is
 * offline at once); the actor is created from that snapshot, then `RESUME` arms the grace timer
 * with the time left (docs/architecture.md "Absolute deadlines": XState does not re-arm `after` for restored snapshots).
 *
 * The snapshot is a persisted one (the JSON shape `getPersistedSnapshot()` returns), which
 * `createActor(clientMachine, { snapshot })` resolves itself: resolving it here first with
 * `machine.resolveState` would do that work twice per client at start-up.
 */
import type { Snapshot } from 'xstate';
import type { ClientRecord, Connectivity } from '../domain/client.types.ts';
import { clientMachine } from './client.machine.ts';
import { initialContext, type ClientInput } from './client.context.ts';

export function restoredConnectivity(r: ClientRecord, now: number, graceMs: number): Connectivity {
  if (r.lastAlive === null) return 'unknown';
  return now - r.lastAlive < graceMs ? 'online' : 'offline';
}

export function restoredSnapshot(input: ClientInput): Snapshot<unknown> {
  const r = input.record;
  const value = {
    connectivity: restoredConnectivity(r, input.now, input.graceMs),
    process: r.processStatus,
    service: r.serviceStatus,
    screen: r.screenHealthStatus,
    frozen: r.screenFrozenDetected ? 'detected' : 'clear',
    recovery: r.recoveryState,
  };
  // A value the chart does not know would only surface inside the actor (as an error snapshot);
  // fail here, naming the client, as resolving the state used to.
  for (const region in value) {
    const state = value[region as keyof typeof value];
    if (!clientMachine.states[region]?.states[state]) throw new Error(`client ${r.uuid}: unknown ${region} state '${state}'`);
  }
  return { status: 'active', output: undefined, error: undefined, value, context: initialContext(input), children: {}, historyValue: {} } as Snapshot<unknown>;
}
