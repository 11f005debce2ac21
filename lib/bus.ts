/**
 * The in-process event bus: the domain publishes what happened (status changes, alerts, command
 * transitions); the dashboard's SSE stream and the inspector subscribe. Listeners must not throw;
 * one that does is logged and the others still run.
 */
import type { ClientStatus } from '../domain/client.types.ts';

export type BusEvent =
  | { type: 'client-status'; uuid: string; status: ClientStatus; previous: ClientStatus | null; reasons: string[]; at: number }
  | { type: 'client-seen'; uuid: string; lastAlive: number }
  | { type: 'client-changed'; uuid: string }
  | { type: 'client-removed'; uuid: string }
  /** lib/metrics.ts: the activity counters moved on (every ~10 s), so live charts redraw. */
  | { type: 'metrics'; at: number }
  | { type: 'alert'; kind: string; severity: 'info' | 'warning' | 'critical'; message: string; uuid?: string; at: number }
  | {
      type: 'command';
      commandId: string;
      uuid: string;
      action: string;
      from: string | null;
      to: string;
      errorCode?: string | null;
      errorMessage?: string | null;
      at: number;
    };

export type BusListener = (event: BusEvent) => void;

export class EventBus {
  #listeners = new Set<BusListener>();

  /** Subscribe; returns the unsubscribe function. */
  on(listener: BusListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: BusEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (err) {
        console.error('[bus] listener failed', err);
      }
    }
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }
}
