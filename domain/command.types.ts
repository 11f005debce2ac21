/**
 * Types of a remote command (docs/commands.md): the persisted record, the events its actor
 * understands, and the stage timers. Times are epoch ms.
 */
import type { FailureReason } from './command.reasons.ts';

export type CommandAction = 'reboot_host' | 'shutdown_host' | 'restart_app';

export const LIVE_STATES = [
  'queued',
  'publish_in_progress',
  'published',
  'ack_received',
  'execution_started',
  'awaiting_reconnect',
  'recovered',
] as const;
export const TERMINAL_STATES = [
  'completed',
  'failed',
  'expired',
  'timed_out',
  'canceled',
  'blocked_safety',
  'manual_intervention_required',
] as const;

export type LiveStatus = (typeof LIVE_STATES)[number];
export type TerminalStatus = (typeof TERMINAL_STATES)[number];
export type CommandStatus = LiveStatus | TerminalStatus;

export const isTerminal = (s: string): s is TerminalStatus => (TERMINAL_STATES as readonly string[]).includes(s);

/** Reboot-kind actions count for the safety lockout (docs/commands.md "Safety lockout"). */
export const isRebootKind = (a: CommandAction) => a === 'reboot_host' || a === 'restart_app';

export interface CommandRecord {
  commandId: string;
  clientUuid: string;
  action: CommandAction;
  status: CommandStatus;
  reason: string | null;
  requestedBy: number | null; // null: automatic recovery
  issuedAt: number;
  expiresAt: number;
  publishedAt: number | null;
  ackedAt: number | null;
  executionStartedAt: number | null;
  completedAt: number | null;
  failedAt: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  /** Why it failed, as a code (domain/command.reasons.ts); absent in records built before it existed. */
  errorReason?: FailureReason | null;
  stageDeadline: number | null; // absolute deadline of the current stage (docs/architecture.md "Absolute deadlines")
  lastSeenAt: number | null; // the client's last heartbeat/health the command heard of
  bulkRunId: string | null;
  createdAt: number;
  updatedAt: number;
}

/** The stage times and error of a command that has not left the queue yet. */
export const NOT_STARTED = {
  publishedAt: null,
  ackedAt: null,
  executionStartedAt: null,
  completedAt: null,
  failedAt: null,
  errorCode: null,
  errorMessage: null,
  errorReason: null,
} as const satisfies Partial<CommandRecord>;

/** Stage timers in ms (docs/commands.md "Timers"); all configurable. */
export interface CommandTimers {
  queued: number; // queued → publish_in_progress
  publish: number; // publish_in_progress → published (PUBACK)
  ack: number; // published → ack_received
  executionStartRestartApp: number; // ack_received → execution_started, restart_app
  executionStartHost: number; // ack_received → execution_started, reboot_host / shutdown_host
  silence: number; // no heartbeat/health for this long = the client went silent
  rebootShutdown: number; // execution_started → awaiting_reconnect (reboot_host)
  reconnect: number; // awaiting_reconnect → recovered, ceiling (cold boot)
  recoveredComplete: number; // recovered → completed
  executionComplete: number; // execution_started → completed (restart_app, shutdown_host)
  escalation: number; // failed/timed_out/expired recovery command → manual_intervention_required
}

export const DEFAULT_TIMERS: CommandTimers = {
  queued: 5_000,
  publish: 8_000,
  ack: 20_000,
  executionStartRestartApp: 15_000,
  executionStartHost: 25_000,
  silence: 15_000,
  rebootShutdown: 10_000,
  reconnect: 150_000,
  recoveredComplete: 20_000,
  executionComplete: 60_000,
  escalation: 60_000,
};

export interface AckEvent {
  type: 'ACK';
  at: number;
  status: 'accepted' | 'execution_started' | 'completed' | 'failed';
  errorCode: string | null;
  errorMessage: string | null;
}

export type CommandEvent =
  | { type: 'START'; at: number } // the broker is there: publish
  | AckEvent
  | { type: 'CLIENT_SEEN'; at: number; kind: 'heartbeat' | 'health' | 'discovery' }
  | { type: 'CANCEL'; at: number; by: number | null }
  | { type: 'SWEEP'; at: number } // expiry sweep (docs/commands.md "Expiry sweep")
  | { type: 'RESUME'; at: number }; // after a restore: re-arm the current state's timers
