/** The supervisor's dependencies and its per-client registry entry (actors/supervisor.ts and its helper modules). */
import type { Actor, InspectionEvent } from 'xstate';
import type { clientMachine } from './client.machine.ts';
import type { ClientSnapshot } from './client.record.ts';
import type { RecoveryPolicy } from './client.recovery.ts';
import type { Report } from './client.unchanged.ts';
import type { Expectation } from './client.expected.ts';
import type { CommandAction } from '../domain/command.types.ts';
import type { ClientRecord, LogLevel, RecoveryReason } from '../domain/client.types.ts';
import type { EventBus } from '../lib/bus.ts';
import type { Clock } from '../lib/clock.ts';

export type ClientActor = Actor<typeof clientMachine>;

export interface Entry {
  /** Created on first use for a restored client (a getter until then: `lazyActor`). */
  actor: ClientActor;
  /** False while a restored client's actor is not created yet. */
  created: boolean;
  record: ClientRecord; // last observed, derived status included
  snap: ClientSnapshot | null; // the snapshot `record` was made from
  /** Unchanged reports not handed to the actor yet (`record` already has their freshness). */
  held: Report[] | null;
  releasing: boolean;
  /** An expected event that changes nothing visible yet (actors/client.expected.ts), not sent yet. */
  expectation: Expectation | null;
}

export interface SupervisorDeps {
  clock: Clock;
  bus: EventBus;
  graceMs: number;
  /** A client's row must be written: `urgent` for state changes, otherwise freshness only. */
  persist: (uuid: string, urgent: boolean) => void;
  /**
   * A client's connectivity changed (also while restoring): the availability history records it
   * through the writer (docs/availability.md).
   */
  connectivityChanged?: (uuid: string, connectivity: ClientRecord['connectivity'], at: number) => void;
  /**
   * Unchanged reports are taken without a transition and handed to the actor later
   * (actors/client.unchanged.ts). Default on; off sends every report through the machine at once
   * (the equivalence tests and the benchmark's comparison).
   */
  holdUnchanged?: boolean;
  /**
   * Restored clients get their actor on first use (`Supervisor.#spawnLazy`). Default on; off creates every
   * actor at the restore (the benchmark's comparison).
   */
  lazyRestore?: boolean;
  /** Shared inspection callback for every actor (the inspector hooks in here). */
  inspect?: (event: InspectionEvent) => void;
  /**
   * Crash recovery (docs/commands.md; actors/client.recovery.ts): the policy every client actor gets and
   * the effect its ladder asks for commands with (the runtime: CommandRegistry.issue, which applies
   * the lockout). Without it, recovery is off.
   */
  recovery?: {
    policy: RecoveryPolicy;
    request: (uuid: string, action: CommandAction, reason: RecoveryReason) => void;
    /** Withdraws a ladder's command that a suspected outage explains (CommandRegistry.cancel). */
    cancel?: (commandId: string) => void;
  };
}

export interface RecentLog {
  uuid: string;
  level: LogLevel;
  at: number;
}
