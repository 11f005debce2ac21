/**
 * The writer's durability barrier: every queued statement has a sequence number; `written` is the
 * highest one such that it and everything before it has been written (or dropped as bad).
 */
interface Waiter {
  seq: number;
  resolve: () => void;
}

export class DurabilityBarrier {
  enqueued = 0;
  written = 0;
  #waiters: Waiter[] = [];

  /** Whether someone waits for statements not written yet (the writer then flushes early). */
  get waiting(): boolean {
    return this.#waiters.length > 0;
  }

  /** Resolves once everything queued so far is written, or after `timeoutMs` with false. */
  durable(timeoutMs: number): Promise<boolean> {
    const seq = this.enqueued;
    if (this.written >= seq) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = { seq, resolve: () => resolve(true) };
      this.#waiters.push(waiter);
      const timer = setTimeout(() => {
        const i = this.#waiters.indexOf(waiter);
        if (i >= 0) this.#waiters.splice(i, 1);
        resolve(false);
      }, timeoutMs);
      (timer as { unref?: () => void }).unref?.();
      waiter.resolve = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }

  /** Everything up to `upTo` is written: wake the waiters it satisfies. */
  advance(upTo: number): void {
    this.written = Math.max(this.written, upTo);
    if (this.#waiters.length === 0) return;
    const still: Waiter[] = [];
    for (const w of this.#waiters) (w.seq <= this.written ? w.resolve() : still.push(w));
    this.#waiters = still;
  }
}
