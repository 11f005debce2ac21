/**
 * The availability history's vocabulary (docs/availability.md), shared by db/connectivity.ts and
 * services/availability/. Times are UTC epoch ms; an interval is half-open, [start, end).
 */

/** A screen's connectivity as its actor knows it (docs/clients.md "Regions of the client machine"). */
export type Connectivity = 'online' | 'offline' | 'unknown';

export interface Interval {
  start: number;
  end: number;
}

export interface Span extends Interval {
  state: Connectivity;
}

/** One recorded change: from `at` on the screen was `state`. */
export interface Change {
  at: number;
  state: Connectivity;
}

/** One run of the server: up from `startedAt` until at least `aliveUntil`; `endedAt` after a clean stop. */
export interface ServerRun {
  id: string;
  startedAt: number;
  aliveUntil: number;
  endedAt: number | null;
}

/** A screen's history for a window: its state when the window opens (null: none recorded yet) and the changes inside. */
export interface History {
  before: Connectivity | null;
  changes: Change[];
}

export type BucketUnit = 'hour' | 'day';
