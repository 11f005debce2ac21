/** The command registry's dependencies and its issue request/result (actors/commands.ts). */
import type { InspectionEvent } from 'xstate';
import type { CommandAction, CommandRecord, CommandStatus, CommandTimers } from '../domain/command.types.ts';
import type { Publisher } from '../broker/publisher.ts';
import type { Clock } from '../lib/clock.ts';
import type { EventBus } from '../lib/bus.ts';
import type { LockoutPolicy } from './commands.lockout.ts';

export interface CommandTopics {
  commands(uuid: string): string;
  commandAlias(uuid: string): string;
  legacyRestart(uuid: string): string;
}

export interface RegistryDeps {
  clock: Clock;
  bus: EventBus;
  publisher: Publisher;
  topics: CommandTopics;
  /** Persist a command row (the writer's enqueue). */
  persist: (record: CommandRecord) => void;
  timers?: CommandTimers;
  lockout?: LockoutPolicy;
  expirySeconds?: number; // default 240, bounded to 180–360 (docs/commands.md "Timers")
  inspect?: (event: InspectionEvent) => void;
  /** Every transition, for the client actor's recovery region and bulk runs. */
  onTransition?: (record: CommandRecord, from: CommandStatus | null) => void;
}

export interface IssueRequest {
  uuid: string;
  action: CommandAction;
  reason: string | null;
  requestedBy: number | null;
  expirySeconds?: number;
  bulkRunId?: string | null;
}

export interface IssueResult {
  command: CommandRecord;
  blocked: boolean;
}
