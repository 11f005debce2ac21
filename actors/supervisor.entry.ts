/** A supervisor registry entry's actor: its machine, its lazy creation and its kept quiet expectation (docs/performance.md). */
import { clientMachine } from './client.machine.ts';
import type { ClientSnapshot } from './client.record.ts';
import type { ClientActor, Entry, SupervisorDeps } from './supervisor.types.ts';

/** The client machine with the crash-recovery effects wired to the command registry (none without recovery). */
export function machineFor(recovery: SupervisorDeps['recovery']): typeof clientMachine {
  if (!recovery) return clientMachine;
  return clientMachine.provide({
    actions: {
      requestCommand: ({ context }, p) => recovery.request(context.identity.uuid, p.action, p.reason),
      cancelCommand: (_, p) => void (p.commandId !== null && recovery.cancel?.(p.commandId)),
    },
  });
}

/** Hands a kept quiet expectation (actors/client.expected.ts) to the actor, before anything else reaches it. */
export function expect(entry: Entry): void {
  const e = entry.expectation;
  if (e === null) return;
  entry.expectation = null;
  entry.actor.send(e);
}

/** The actor's snapshot, or the restored one its record was derived from while the actor is not created yet. */
export const currentSnapshot = (entry: Entry): ClientSnapshot => (entry.created ? entry.actor.getSnapshot() : entry.snap!);

/** Makes `entry.actor` a getter that creates the actor once, on first use. */
export function lazyActor(entry: Entry, create: () => ClientActor): void {
  entry.created = false;
  Object.defineProperty(entry, 'actor', {
    configurable: true,
    enumerable: true,
    get() {
      const actor = create();
      Object.defineProperty(entry, 'actor', { value: actor, writable: true, configurable: true, enumerable: true });
      entry.created = true;
      return actor;
    },
  });
}

/**
 * Starts a lazily created actor: its start notification is the same state the record was derived
 * from at the restore, so it is not observed; the entry then tracks the actor's own snapshot.
 */
export function startQuietly(entry: Entry, actor: ClientActor): void {
  entry.snap = null;
  entry.releasing = true;
  try {
    actor.start();
  } finally {
    entry.releasing = false;
  }
  entry.snap = actor.getSnapshot();
}
