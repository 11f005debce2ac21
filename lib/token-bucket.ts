/**
 * A rate limit: `perSecond` sustained, `burst` at once; clock-injected. Device publishes per account
 * (broker/security.ts), login attempts per address (services/accounts/login.ts), API token requests
 * (routes/middleware/bearer.ts).
 */
export class TokenBucket {
  #tokens: number;
  #last: number;

  constructor(
    readonly perSecond: number,
    readonly burst: number,
    now: number,
  ) {
    this.#tokens = burst;
    this.#last = now;
  }

  /** Takes one token; false means "over the limit". */
  take(now: number): boolean {
    const elapsed = Math.max(0, now - this.#last) / 1000;
    this.#last = now;
    this.#tokens = Math.min(this.burst, this.#tokens + elapsed * this.perSecond);
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Milliseconds until the next take can succeed (0: now), as of the last take. */
  waitMs(): number {
    return this.#tokens >= 1 ? 0 : Math.ceil(((1 - this.#tokens) / this.perSecond) * 1000);
  }
}
