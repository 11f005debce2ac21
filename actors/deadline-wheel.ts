/**
 * A timing wheel: items due at absolute times, grouped in one-second slots and served by one timer
 * on the injected clock (XState's SimulatedClock in tests). Unlike DeadlineQueue (actors/deadlines.ts)
 * adding is O(1) in any order, so it suits one item per client per grace period at 20,000 msgs/s.
 * Items are served at the start of their slot: up to a slot early, never late.
 */
import type { Clock } from '../lib/clock.ts';

const SLOT_MS = 1000;

export class DeadlineWheel<T> {
  #clock: Clock;
  #onDue: (item: T) => void;
  #slots = new Map<number, T[]>();
  #keys: number[] = []; // min-heap of slot keys
  #timer: unknown = null;
  #timerKey = Infinity;

  constructor(clock: Clock, onDue: (item: T) => void) {
    this.#clock = clock;
    this.#onDue = onDue;
  }

  get size(): number {
    let n = 0;
    for (const s of this.#slots.values()) n += s.length;
    return n;
  }

  add(at: number, item: T): void {
    const key = Math.floor(at / SLOT_MS);
    const slot = this.#slots.get(key);
    if (slot) return void slot.push(item);
    this.#slots.set(key, [item]);
    heapPush(this.#keys, key);
    if (key < this.#timerKey) this.#arm();
  }

  clear(): void {
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
    this.#timerKey = Infinity;
    this.#slots.clear();
    this.#keys = [];
  }

  #arm(): void {
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
    this.#timerKey = this.#keys.length ? this.#keys[0] : Infinity;
    if (this.#timerKey === Infinity) return;
    this.#timer = this.#clock.setTimeout(() => this.#serve(), Math.max(0, this.#timerKey * SLOT_MS - this.#clock.now()));
  }

  #serve(): void {
    this.#timer = null;
    this.#timerKey = -Infinity; // adds while serving do not re-arm: done below
    const nowKey = Math.floor(this.#clock.now() / SLOT_MS);
    while (this.#keys.length && this.#keys[0] <= nowKey) {
      const key = heapPop(this.#keys);
      const items = this.#slots.get(key)!;
      this.#slots.delete(key);
      for (const item of items) this.#onDue(item);
    }
    this.#timerKey = Infinity;
    this.#arm();
  }
}

function heapPush(h: number[], x: number): void {
  let i = h.push(x) - 1;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (h[p] <= h[i]) break;
    [h[p], h[i]] = [h[i], h[p]];
    i = p;
  }
}

function heapPop(h: number[]): number {
  const top = h[0];
  const last = h.pop()!;
  if (h.length) {
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && h[l] < h[m]) m = l;
      if (r < h.length && h[r] < h[m]) m = r;
      if (m === i) break;
      [h[m], h[i]] = [h[i], h[m]];
      i = m;
    }
  }
  return top;
}
