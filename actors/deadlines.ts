/**
 * Items due at absolute times, all served by one timer on the injected clock (XState's
 * SimulatedClock in tests) instead of one timer each. The supervisor uses it to re-arm restored
 * actors' grace timers lazily (see `Supervisor.restore`).
 */
import type { Clock } from '../lib/clock.ts';

export class DeadlineQueue<T> {
  #clock: Clock;
  #onDue: (item: T, now: number) => void;
  #items: Array<{ at: number; item: T }> = [];
  #next = 0; // items before this index were served
  #sorted = true;
  #timer: unknown = null;
  #timerAt = Infinity;
  #serving = false;

  constructor(clock: Clock, onDue: (item: T, now: number) => void) {
    this.#clock = clock;
    this.#onDue = onDue;
  }

  /** Items not served yet. */
  get size(): number {
    return this.#items.length - this.#next;
  }

  /** Adds an item; call `arm()` once after adding a batch. */
  add(at: number, item: T): void {
    const last = this.#items.at(-1);
    if (last && at < last.at) this.#sorted = false;
    this.#items.push({ at, item });
  }

  /** (Re)sets the timer for the earliest pending item. */
  arm(): void {
    if (this.#serving) return; // the batch being served re-arms when done
    this.#sort();
    const first = this.#items[this.#next];
    if (!first) return this.clear();
    if (this.#timer !== null && this.#timerAt <= first.at) return;
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timerAt = first.at;
    this.#timer = this.#clock.setTimeout(() => this.#serve(), Math.max(0, first.at - this.#clock.now()));
  }

  clear(): void {
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
    this.#timerAt = Infinity;
    this.#items = [];
    this.#next = 0;
    this.#sorted = true;
  }

  #sort(): void {
    if (this.#sorted) return;
    this.#items = this.#items.slice(this.#next).sort((a, b) => a.at - b.at);
    this.#next = 0;
    this.#sorted = true;
  }

  #serve(): void {
    this.#timer = null;
    this.#timerAt = Infinity;
    this.#sort();
    const now = this.#clock.now();
    const items = this.#items;
    const end = items.length; // items added while serving wait for the next timer
    this.#serving = true;
    try {
      while (this.#next < end && items === this.#items && items[this.#next].at <= now) {
        const { item } = items[this.#next];
        items[this.#next++] = undefined as never; // let the item go
        this.#onDue(item, now);
      }
    } finally {
      this.#serving = false;
    }
    if (this.#next === this.#items.length) this.clear();
    else this.arm();
  }
}
