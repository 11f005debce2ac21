/**
 * Types shared by the client machine, the supervisor, ingestion and the routes. The client actor
 * owns everything in `ClientRecord`; the database row is its persisted copy (docs/clients.md).
 */
import type { CommandAction, CommandStatus } from './command.types.ts';

export type Connectivity = 'unknown' | 'online' | 'offline';
export type ProcessStatus = 'unknown' | 'starting' | 'running' | 'crashed' | 'stopped';
export type ServiceStatus = 'ok' | 'failed';
export type ScreenStatus = 'OK' | 'BLACK' | 'FROZEN' | 'UNKNOWN';
export type RecoveryState = 'idle' | 'restarting_app' | 'rebooting' | 'waiting_manual';
export type ClientStatus = 'healthy' | 'warning' | 'critical' | 'offline';
export type LogLevel = 'ERROR' | 'WARN' | 'INFO' | 'DEBUG';
export type CaptureType = 'periodic' | 'event_start' | 'event_stop';
/** Why a crash-recovery ladder started (actors/client.recovery.ts). */
export type RecoveryReason = 'process_crashed' | 'heartbeat_stale';

/** The persisted live model of one client. Times are epoch ms (UTC) or null. */
export interface ClientRecord {
  uuid: string;
  description: string | null;
  hostname: string | null;
  ip: string | null;
  hardware: Record<string, unknown> | null;
  softwareVersion: string | null;
  groupId: number | null;
  isActive: boolean;
  discovered: boolean;
  createdAt: number;
  discoveredAt: number | null;
  lastAlive: number | null;
  connectivity: Connectivity;
  processStatus: ProcessStatus;
  currentProcess: string | null;
  processPid: number | null;
  currentEventId: string | null;
  expectedEventId: string | null;
  screenHealthStatus: ScreenStatus;
  /** The server saw identical screenshots while a video should play (docs/clients-screens.md). */
  screenFrozenDetected: boolean;
  lastFrameUpdate: number | null;
  serviceStatus: ServiceStatus;
  serviceFailedAt: number | null;
  serviceFailedUnit: string | null;
  mqttReconnectCount: number | null;
  mqttLastDisconnectAt: number | null;
  mqttReconnectRoseAt: number | null;
  recoveryState: RecoveryState;
  recoveryCommandId: string | null; // the crash-recovery ladder's current command (actors/client.recovery.ts)
  recoveryReason: RecoveryReason | null; // process_crashed | heartbeat_stale while a ladder runs or waits for a human
  recoveryDeadline: number | null; // when the ladder's current step gives up (restarting_app, rebooting)
  latestScreenshotType: CaptureType | null;
  latestScreenshotAt: number | null;
  priorityScreenshotType: CaptureType | null;
  priorityScreenshotAt: number | null;
  status: ClientStatus;
  statusReasons: string[];
}

/** Display name used across the dashboard, the API and alert texts: room, else hostname, else uuid. */
export const clientName = (r: Pick<ClientRecord, 'uuid' | 'description' | 'hostname'>): string => r.description || r.hostname || r.uuid;

/** A new client's record before anything is known about it. */
export function emptyRecord(uuid: string, now: number): ClientRecord {
  return {
    uuid,
    description: null,
    hostname: null,
    ip: null,
    hardware: null,
    softwareVersion: null,
    groupId: null,
    isActive: true,
    discovered: false,
    createdAt: now,
    discoveredAt: null,
    lastAlive: null,
    connectivity: 'unknown',
    processStatus: 'unknown',
    currentProcess: null,
    processPid: null,
    currentEventId: null,
    expectedEventId: null,
    screenHealthStatus: 'UNKNOWN',
    screenFrozenDetected: false,
    lastFrameUpdate: null,
    serviceStatus: 'ok',
    serviceFailedAt: null,
    serviceFailedUnit: null,
    mqttReconnectCount: null,
    mqttLastDisconnectAt: null,
    mqttReconnectRoseAt: null,
    recoveryState: 'idle',
    recoveryCommandId: null,
    recoveryReason: null,
    recoveryDeadline: null,
    latestScreenshotType: null,
    latestScreenshotAt: null,
    priorityScreenshotType: null,
    priorityScreenshotAt: null,
    status: 'warning',
    statusReasons: ['connectivity_unknown'],
  };
}

/**
 * Events a client actor understands. Every event carries `at` (server clock, epoch ms) so the
 * machine never reads a clock itself and tests drive it with a simulated one.
 */
export type ClientEvent =
  | {
      type: 'DISCOVERED';
      at: number;
      hostname?: string | null;
      ip?: string | null;
      hardware?: Record<string, unknown> | null;
      softwareVersion?: string | null;
    }
  | {
      type: 'HEARTBEAT';
      at: number;
      processName?: string | null;
      pid?: number | null;
      processStatus?: ProcessStatus;
      currentEventId?: string | null;
    }
  | {
      type: 'HEALTH';
      at: number;
      processName?: string | null;
      pid?: number | null;
      processStatus?: ProcessStatus;
      currentEventId?: string | null; // health.expected_state.event_id: what the client believes it plays
      screenStatus?: ScreenStatus;
      lastFrameUpdate?: number | null;
      reconnectCount?: number | null;
      lastDisconnectAt?: number | null;
    }
  | { type: 'LOG'; at: number; level: LogLevel }
  | { type: 'SERVICE_FAILED'; at: number; unit: string; failedAt: number }
  | { type: 'SERVICE_ACKNOWLEDGED'; at: number }
  | { type: 'SCREENSHOT'; at: number; captureType: CaptureType; identicalToPrevious: boolean }
  | { type: 'UPDATE_META'; at: number; description?: string | null; groupId?: number | null; isActive?: boolean }
  | { type: 'EXPECTED_EVENT'; at: number; eventId: string | null; changing: boolean }
  | { type: 'RECOVERY'; at: number; state: RecoveryState }
  /** A transition of one of this client's commands (CommandRegistry → supervisor): drives the recovery ladder. */
  | {
      type: 'COMMAND_UPDATE';
      at: number;
      commandId: string;
      action: CommandAction;
      status: CommandStatus;
      requestedBy: number | null; // null: automatic recovery
      createdAt: number;
      created: boolean; // the command's first transition
    }
  /** Internal (raised when the silence outlasts CRASH_RECOVERY_GRACE_SECONDS): a stale-heartbeat candidate. */
  | { type: 'HEARTBEAT_STALE'; at: number }
  | { type: 'TICK'; at: number }
  /**
   * From the supervisor (docs/clients-screens.md "Outage alerts"): the fleet went silent at once, so this
   * client's silence is no device fault (`suspected`), or that outage is over (a fresh recovery grace).
   */
  | { type: 'OUTAGE'; at: number; suspected: boolean }
  /** Internal: sent once after a restore so the grace timer of `online` is armed. */
  | { type: 'RESUME'; at: number };
