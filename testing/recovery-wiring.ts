/**
 * Crash recovery wired as the server wires it, for the actors' tests (actors/crash-recovery.test.ts,
 * actors/recovery-outage.test.ts): a supervisor whose clients ask for recovery commands, the
 * command registry that issues them (publishing succeeds at once), its transitions fed back to the
 * supervisor, all on the test's simulated clock. `created` holds every command as created.
 */
import type { SimulatedClock } from 'xstate';
import { Supervisor } from '../actors/supervisor.ts';
import { CommandRegistry } from '../actors/commands.ts';
import { RecoveryRequests } from '../actors/recovery-requests.ts';
import type { RecoveryPolicy } from '../actors/client.recovery.ts';
import type { CommandRecord, CommandStatus } from '../domain/command.types.ts';
import type { EventBus } from '../lib/bus.ts';
import { topics } from '../broker/topics.ts';

export interface RecoveryWiring {
  clock: SimulatedClock;
  bus: EventBus;
  policy: RecoveryPolicy;
  graceMs: number;
  /** Whether a client's recovery request may be cancelled (the outage stand-down). */
  cancel?: boolean;
  /** Also told of every transition (before the supervisor is). */
  onTransition?: (record: CommandRecord, from: CommandStatus | null) => void;
}

export function wireRecovery(o: RecoveryWiring) {
  const { clock, bus, policy } = o;
  const created: CommandRecord[] = [];
  const requests = new RecoveryRequests(policy.expiryMs / 1000);
  const sup = new Supervisor({ clock, bus, graceMs: o.graceMs, persist: () => {}, recovery: { policy, request: requests.request, ...(o.cancel && { cancel: requests.cancel }) } });
  const reg = new CommandRegistry({
    clock,
    bus,
    publisher: { connected: true, publish: async () => {} },
    topics,
    persist: () => {},
    lockout: { max: 3, windowMs: policy.lockoutMs },
    onTransition: (record, from: CommandStatus | null) => {
      if (from === null) created.push(record);
      o.onTransition?.(record, from);
      sup.commandChanged(record, from);
    },
  });
  return { sup, reg, requests, created };
}
