/**
 * Abuse limits of the embedded broker: the publish budget per device account is a TokenBucket
 * (lib/token-bucket.ts, re-exported here), and repeated authentication failures are penalised per
 * (address, username). Pure and clock-injected.
 */
export { TokenBucket } from '../lib/token-bucket.ts';

/** Failures from one address, whatever the username, before its attempts are slowed (a NAT ceiling). */
export const ADDRESS_FREE_FAILURES = 100;

export interface AuthThrottleOptions {
  freeFailures: number; // failures per key (address + username) answered at once (default 5)
  addressFreeFailures?: number; // failures per address over all usernames (default ADDRESS_FREE_FAILURES)
  baseDelayMs: number; // delay after that, doubling with each further failure (default 1,000 ms)
  maxDelayMs: number; // cap (default 30,000 ms)
  forgetAfterMs: number; // an address quiet this long starts over (default 15 min)
  maxPendingPerAddress: number; // delayed attempts held open per address; more are refused at once (default 20)
  maxAddresses: number; // addresses tracked (default 10,000; the oldest is forgotten first)
}

export const AUTH_THROTTLE_DEFAULTS: AuthThrottleOptions = {
  freeFailures: 5,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  forgetAfterMs: 15 * 60_000,
  maxPendingPerAddress: 20,
  maxAddresses: 10_000,
};

interface AddressState {
  failures: number;
  lastFailureAt: number;
  pending: number;
}

/**
 * Repeated failures from one address slow every further attempt from it (the answer to CONNECT
 * waits), so guessing passwords costs time; a success from the address clears its record. The
 * delay applies before the password is even checked, so a flood also costs us no hashing.
 */
export class AuthThrottle {
  #o: AuthThrottleOptions;
  #by = new Map<string, AddressState>();
  delayed = 0; // attempts answered late
  refused = 0; // attempts refused because too many were already waiting

  constructor(opts: Partial<AuthThrottleOptions> = {}) {
    this.#o = { ...AUTH_THROTTLE_DEFAULTS, ...opts };
  }

  /** ms to wait before answering an attempt from `address`; -1: refuse at once (too many waiting). */
  delayFor(address: string, now: number): number {
    const s = this.#get(address, now);
    if (!s || s.failures < this.#o.freeFailures) return 0;
    if (s.pending >= this.#o.maxPendingPerAddress) {
      this.refused++;
      return -1;
    }
    this.delayed++;
    return Math.min(this.#o.maxDelayMs, this.#o.baseDelayMs * 2 ** (s.failures - this.#o.freeFailures));
  }

  /** Bracket a delayed attempt, so parallel connections cannot multiply the guessing rate. */
  hold(address: string): () => void {
    const s = this.#by.get(address);
    if (!s) return () => {};
    s.pending++;
    return () => {
      s.pending = Math.max(0, s.pending - 1);
    };
  }

  failed(address: string, now: number): void {
    let s = this.#get(address, now);
    if (!s) {
      if (this.#by.size >= this.#o.maxAddresses) this.#by.delete(this.#by.keys().next().value!);
      s = { failures: 0, lastFailureAt: now, pending: 0 };
      this.#by.set(address, s);
    }
    s.failures++;
    s.lastFailureAt = now;
  }

  succeeded(address: string): void {
    const s = this.#by.get(address);
    if (s && s.pending === 0) this.#by.delete(address);
    else if (s) s.failures = 0;
  }

  /** Addresses currently slowed down. */
  penalised(now: number): number {
    let n = 0;
    for (const [a] of this.#by) if ((this.#get(a, now)?.failures ?? 0) >= this.#o.freeFailures) n++;
    return n;
  }

  #get(address: string, now: number): AddressState | undefined {
    const s = this.#by.get(address);
    if (s && s.pending === 0 && now - s.lastFailureAt > this.#o.forgetAfterMs) {
      this.#by.delete(address);
      return undefined;
    }
    return s;
  }
}
