/**
 * Derived status of a client (docs/clients.md "Derived status"): offline / critical / warning / healthy
 * with the reasons, computed from the live record and the current time. Pure.
 */
import type { ClientRecord, ClientStatus } from '../domain/client.types.ts';

const HOUR = 3_600_000;

export interface DerivedStatus {
  status: ClientStatus;
  reasons: string[];
}

/** What the rules need beyond the record: recent log times kept by the actor. */
export interface StatusInputs {
  recentErrors: number[];
  recentWarns: number[];
  expectedKnown: boolean;
}

export function deriveStatus(r: Omit<ClientRecord, 'status' | 'statusReasons'>, x: StatusInputs, now: number): DerivedStatus {
  if (r.connectivity === 'offline') return { status: 'offline', reasons: ['heartbeat_stale'] };

  const critical: string[] = [];
  if (r.processStatus === 'crashed') critical.push('process_crashed');
  if (r.serviceStatus === 'failed') critical.push('service_failed');
  if (r.screenHealthStatus === 'BLACK') critical.push('screen_black');
  if (r.screenHealthStatus === 'FROZEN') critical.push('screen_frozen');
  if (r.recoveryState === 'waiting_manual') critical.push('manual_intervention_required');
  if (critical.length) return { status: 'critical', reasons: critical };

  const warning: string[] = [];
  if (r.connectivity === 'unknown') warning.push('connectivity_unknown');
  const eventExpected = r.expectedEventId !== null;
  if (eventExpected && r.processStatus === 'starting') warning.push('process_starting');
  if (eventExpected && r.processStatus === 'stopped') warning.push('process_stopped');
  if (x.recentErrors.some((t) => now - t < HOUR)) warning.push('recent_errors');
  if (x.recentWarns.filter((t) => now - t < HOUR).length >= 5) warning.push('recent_warnings');
  if (r.mqttReconnectRoseAt !== null && now - r.mqttReconnectRoseAt < HOUR) warning.push('mqtt_reconnects');
  // A mismatch needs an expected event: with nothing scheduled (or no group) whatever the client
  // shows is not "a different event than the scheduler expects" (docs/scheduler.md).
  if (x.expectedKnown && eventExpected && r.expectedEventId !== r.currentEventId) warning.push('event_mismatch');
  if (warning.length) return { status: 'warning', reasons: warning };

  return { status: 'healthy', reasons: [] };
}
