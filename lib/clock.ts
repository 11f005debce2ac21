/**
 * One clock for the whole actor system: XState's clock interface (setTimeout/clearTimeout) plus
 * `now()`. Production uses the real one; tests pass XState's SimulatedClock, which has the same shape.
 */
export interface Clock {
  setTimeout(fn: (...args: any[]) => void, ms: number): any;
  clearTimeout(id: any): void;
  now(): number;
}

export const realClock: Clock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id),
  now: () => Date.now(),
};
