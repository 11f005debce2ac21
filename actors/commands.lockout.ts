/** The reboot safety lockout's window bookkeeping (docs/commands.md; domain/policies.ts REBOOT_LOCKOUT): reboot-kind commands per client in a rolling window. */
import type { Clock } from '../lib/clock.ts';

/** The reboot lockout as the registry applies it (domain/policies.ts REBOOT_LOCKOUT, window from config). */
export interface LockoutPolicy {
  max: number; // reboot-kind commands per client…
  windowMs: number; // …in any rolling window of this length
}

export class RebootLockout {
  #clock: Clock;
  #policy: LockoutPolicy;
  #recent = new Map<string, number[]>(); // uuid → creation times inside the lockout window

  constructor(clock: Clock, policy: LockoutPolicy) {
    this.#clock = clock;
    this.#policy = policy;
  }

  /** A client's reboot-kind creation times still inside the window (older ones are dropped on the way). */
  windowed(uuid: string): number[] {
    const since = this.#clock.now() - this.#policy.windowMs;
    const list = (this.#recent.get(uuid) ?? []).filter((t) => t > since);
    this.#recent.set(uuid, list);
    return list;
  }

  /** A reboot-kind command was created for the client at `at`. */
  remember(uuid: string, at: number): void {
    const list = this.#recent.get(uuid) ?? [];
    list.push(at);
    this.#recent.set(uuid, list);
  }
}
