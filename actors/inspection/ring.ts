/**
 * A bounded ring: the last `capacity` items, oldest overwritten first (docs/inspector.md: "the event
 * history is a bounded ring per actor"). Storage grows on demand up to the capacity, so the many
 * actors with a short history (most clients: a few state changes a day) cost only what they hold.
 */
export class Ring<T> {
  #items: T[] = [];
  #start = 0; // index of the oldest item once full

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.#items.length;
  }

  push(item: T): void {
    if (this.#items.length < this.capacity) this.#items.push(item);
    else {
      this.#items[this.#start] = item;
      this.#start = (this.#start + 1) % this.capacity;
    }
  }

  /** The newest item. */
  last(): T | undefined {
    const n = this.#items.length;
    if (n === 0) return undefined;
    return this.#items[(this.#start + n - 1) % n];
  }

  /** Oldest first. */
  toArray(): T[] {
    return [...this.#items.slice(this.#start), ...this.#items.slice(0, this.#start)];
  }

  find(pred: (item: T) => boolean): T | undefined {
    return this.#items.find(pred);
  }
}
