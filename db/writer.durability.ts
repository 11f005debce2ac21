/**
 * The writer's durability barrier: every queued statement has a sequence number; `written` is the
 * highest one such that it and everything before it has been written (or dropped as bad).
 *
 * Waiters come in groups: everyone who asks between two flush starts is satisfied by the same
 * flush, so they share one promise and one timeout. A burst of a device's QoS 1 logs asks once per
 * message; a promise and a timer each was a large part of the garbage the server made for them.
 */
interface Group {
  seq: number; // satisfied once written ≥ seq
  promise: Promise<boolean>;
  resolve: (written: boolean) => void;
  timer: ReturnType<typeof setTimeout> | null;
}

export class DurabilityBarrier {
  enqueued = 0;
  written = 0;
  #open: Group | null = null; // still taking members: no flush has started since it was made
  #sealed: Group[] = []; // taken by a flush that started; resolved by its advance (or a later one)

  /** Whether someone waits for statements not written yet (the writer then flushes early). */
  get waiting(): boolean {
    return this.#open !== null || this.#sealed.length > 0;
  }

  /**
   * Resolves true once everything queued so far is written, or false after about `timeoutMs` (from
   * the first waiter of its group: a later one may be told a little sooner).
   */
  durable(timeoutMs: number): Promise<boolean> {
    const seq = this.enqueued;
    if (this.written >= seq) return Promise.resolve(true);
    const open = this.#open;
    if (open) {
      open.seq = seq; // the group's flush has not started: it takes these statements too
      return open.promise;
    }
    let resolve!: (written: boolean) => void;
    const promise = new Promise<boolean>((r) => (resolve = r));
    const group: Group = { seq, promise, resolve, timer: null };
    group.timer = setTimeout(() => this.#settle(group, false), timeoutMs);
    (group.timer as { unref?: () => void }).unref?.();
    this.#open = group;
    return promise;
  }

  /** A flush takes what is queued now: waiters from here on belong to the next group. */
  seal(): void {
    if (!this.#open) return;
    this.#sealed.push(this.#open);
    this.#open = null;
  }

  /** Everything up to `upTo` is written: wake the groups it satisfies. */
  advance(upTo: number): void {
    this.written = Math.max(this.written, upTo);
    const groups = this.#open ? [...this.#sealed, this.#open] : this.#sealed;
    if (groups.length === 0) return;
    for (const g of groups) if (g.seq <= this.written) this.#settle(g, true);
  }

  #settle(group: Group, written: boolean): void {
    if (group.timer !== null) clearTimeout(group.timer);
    group.timer = null;
    const i = this.#sealed.indexOf(group);
    if (i >= 0) this.#sealed.splice(i, 1);
    if (this.#open === group) this.#open = null;
    group.resolve(written);
  }
}
