/**
 * Counters and the power-intent transition log of the scheduler (docs/scheduler.md "TV power intent":
 * log each transition with group, old and new state and intent_id; count publishes, transitions,
 * heartbeat republishes, reconnect republishes).
 */
import type { IntentState } from '../lib/schedule/power-intent.ts';
import { logger } from '../lib/logger.ts';

const log = logger('power-intent');
const LOG_SIZE = 500; // transitions kept in memory

export interface IntentTransition {
  at: number;
  groupId: number;
  from: 'on' | 'off' | null; // null: the first intent since start-up
  to: 'on' | 'off';
  reason: string;
  intentId: string;
}

export interface SchedulerStats {
  cycles: number;
  polls: number;
  lastCycleMs: number;
  maxCycleMs: number;
  eventPublishes: number;
  intentPublishes: number;
  intentTransitions: number;
  intentHeartbeats: number;
  intentReconnectRepublishes: number;
  expiredSkipped: number;
  publishFailures: number;
  clearedGroups: number;
}

export class SchedulerCounters {
  cycles = 0;
  polls = 0;
  lastCycleMs = 0;
  maxCycleMs = 0;
  totalCycleMs = 0; // the sum of all cycles: GET /metrics' scheduler cycle seconds (rate of sum / rate of count)
  eventPublishes = 0;
  intentPublishes = 0;
  intentTransitions = 0;
  intentHeartbeats = 0;
  intentReconnectRepublishes = 0;
  expiredSkipped = 0;
  publishFailures = 0;
  cleared = 0;
  #log: IntentTransition[] = [];

  cycleDone(ms: number, poll: boolean): void {
    this.cycles++;
    if (poll) this.polls++;
    this.lastCycleMs = ms;
    this.maxCycleMs = Math.max(this.maxCycleMs, ms);
    this.totalCycleMs += ms;
  }

  transition(groupId: number, prev: IntentState | null, next: IntentState, at: number): void {
    const t: IntentTransition = { at, groupId, from: prev?.desiredState ?? null, to: next.desiredState, reason: next.reason, intentId: next.intentId };
    if (prev) this.intentTransitions++;
    this.#log.push(t);
    if (this.#log.length > LOG_SIZE) this.#log.splice(0, this.#log.length - LOG_SIZE);
    log.info(`group ${groupId}: ${t.from ?? 'start'} → ${t.to} (${t.reason}), intent ${t.intentId}`);
  }

  intentPublished(kind: { heartbeat: boolean; reconnect: boolean }): void {
    this.intentPublishes++;
    if (kind.heartbeat) this.intentHeartbeats++;
    if (kind.reconnect) this.intentReconnectRepublishes++;
  }

  /** Newest last. */
  transitions(): IntentTransition[] {
    return [...this.#log];
  }

  snapshot(): SchedulerStats {
    return {
      cycles: this.cycles, polls: this.polls, lastCycleMs: this.lastCycleMs, maxCycleMs: this.maxCycleMs,
      eventPublishes: this.eventPublishes, intentPublishes: this.intentPublishes, intentTransitions: this.intentTransitions,
      intentHeartbeats: this.intentHeartbeats, intentReconnectRepublishes: this.intentReconnectRepublishes,
      expiredSkipped: this.expiredSkipped, publishFailures: this.publishFailures, clearedGroups: this.cleared,
    };
  }
}
