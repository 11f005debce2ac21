/**
 * One sign-in attempt, the same for the JSON API and the dashboard's form (docs/users.md "Login
 * protection"): the same cost and answer for an unknown user as for a wrong password, a fresh
 * session id on every login (fixation), the previous session deleted, and these guards:
 *
 * - Attempts on one account run one at a time, so the lock decision always sees the failures
 *   before it (300 parallel guesses used to be checked all at once, the right one let in while
 *   the account was already locked). At most MAX_WAITING attempts queue per account; more are
 *   answered 429 at once without checking anything.
 * - Every client address has a budget of attempts per minute (429 with Retry-After past it).
 * - 5 failures within 15 min lock the account *for the address they came from* for 15 min: an
 *   anonymous attacker locks out himself, not the superadmin signing in from elsewhere.
 *   (The numbers: domain/policies.ts.)
 * - Many failures on one account from all addresses together (ACCOUNT_LOCKOUT) lock the account
 *   everywhere, in the database; an admin unlocks it on the users page or with the API, and
 *   `npm run unlock-user -- <name>` unlocks any account (also the last superadmin's).
 * - Except for a known browser (known-device.ts): one that signed in to this account before
 *   passes both locks with the right password, so a distributed guess cannot lock the owner out.
 *   Its own failures are counted per browser (ADDRESS_LOCKOUT again); past them it is treated as
 *   unknown, so a stolen cookie is no licence to guess. Its sign-in during a lock leaves the lock
 *   (and the address's failures) in place for everyone else.
 *
 * The per-address state lives in memory (bounded); a restart forgets it.
 */
import { dummyHash, verifyPassword } from '../../lib/password.ts';
import { getUserById, getUserByUsername, loginFailedStatements, loginSucceededStatement } from '../../db/users.ts';
import { ACCOUNT_LOCKOUT, ADDRESS_ATTEMPTS_PER_MINUTE, ADDRESS_LOCKOUT } from '../../domain/policies.ts';
import type { User } from '../../domain/users.ts';
import { deleteSessionStatement, insertSessionStatement, newSessionToken } from '../../db/sessions.ts';
import { TokenBucket } from '../../lib/token-bucket.ts';
import { issueKnownDevice, verifyKnownDevice } from './known-device.ts';
import type { Db } from '../../db/client.ts';
import type { Writes } from '../../db/logs.ts';

export type LoginResult =
  /** `device`: the known-browser token to (re)issue for this account. */
  | { ok: true; user: User; token: string; device: string }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'inactive' }
  | { ok: false; reason: 'locked'; retryAfterSeconds: number }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

export interface LoginDeps {
  db: Db;
  writer: Writes;
  sessionTtlMs: number;
  /** The app's one guard (built by the composition, shared by the API and the dashboard). */
  guard: LoginGuard;
}

/** Attempts on one account waiting behind the one being checked. */
export const MAX_WAITING = 10;
const MAX_TRACKED = 10_000;

interface PairState {
  failures: number;
  windowStart: number;
  lockedUntil: number;
}

/** The in-memory guards of one app (one database); runtime.ts creates the one instance. */
export class LoginGuard {
  #chains = new Map<string, { tail: Promise<unknown>; waiting: number }>();
  #buckets = new Map<string, TokenBucket>();
  #pairs = new Map<string, PairState>();

  /** Takes one attempt from `address`'s budget; the seconds to wait when it is spent. */
  admit(address: string, now: number): number {
    let b = this.#buckets.get(address);
    if (!b) {
      if (this.#buckets.size >= MAX_TRACKED) this.#buckets.delete(this.#buckets.keys().next().value!);
      this.#buckets.set(address, (b = new TokenBucket(ADDRESS_ATTEMPTS_PER_MINUTE / 60, ADDRESS_ATTEMPTS_PER_MINUTE, now)));
    }
    return b.take(now) ? 0 : Math.ceil(60 / ADDRESS_ATTEMPTS_PER_MINUTE);
  }

  /** Runs `work` after every earlier attempt on `account`; null when too many already wait. */
  async serial<T>(account: string, work: () => Promise<T>): Promise<T | null> {
    let c = this.#chains.get(account);
    if (!c) this.#chains.set(account, (c = { tail: Promise.resolve(), waiting: 0 }));
    if (c.waiting >= MAX_WAITING + 1) return null;
    c.waiting++;
    const chain = c;
    const run = chain.tail.then(work, work);
    chain.tail = run.catch(() => {});
    try {
      return await run;
    } finally {
      chain.waiting--;
      if (chain.waiting === 0 && this.#chains.get(account) === chain) this.#chains.delete(account);
    }
  }

  lockedUntil(userId: number, address: string, now: number): number | null {
    const s = this.#pairs.get(`${userId}|${address}`);
    return s && s.lockedUntil > now ? s.lockedUntil : null;
  }

  /** Counts a failure; answers the time the pair is locked until, if this one locked it. */
  failed(userId: number, address: string, now: number): number | null {
    return this.#count(`${userId}|${address}`, now);
  }

  /** A known browser (by its token's signature) still trusted: not past its own failures. */
  deviceTrusted(userId: number, signature: string, now: number): boolean {
    return this.lockedUntil(userId, `device:${signature}`, now) === null;
  }

  deviceFailed(userId: number, signature: string, now: number): void {
    this.#count(`${userId}|device:${signature}`, now);
  }

  #count(key: string, now: number): number | null {
    let s = this.#pairs.get(key);
    if (!s || now - s.windowStart > ADDRESS_LOCKOUT.windowMs) {
      if (!s && this.#pairs.size >= MAX_TRACKED) this.#pairs.delete(this.#pairs.keys().next().value!);
      s = { failures: 0, windowStart: now, lockedUntil: s?.lockedUntil ?? 0 };
      this.#pairs.set(key, s);
    }
    s.failures++;
    if (s.failures < ADDRESS_LOCKOUT.maxFailures) return null;
    s.failures = 0;
    s.windowStart = now;
    s.lockedUntil = now + ADDRESS_LOCKOUT.lockMs;
    return s.lockedUntil;
  }

  succeeded(userId: number, address: string): void {
    this.#pairs.delete(`${userId}|${address}`);
  }

  /** An admin unlocked the account: every address starts over. */
  unlock(userId: number): void {
    for (const key of this.#pairs.keys()) if (key.startsWith(`${userId}|`)) this.#pairs.delete(key);
  }
}

const seconds = (until: number, now: number) => Math.max(1, Math.ceil((until - now) / 1000));

export async function attemptLogin(
  deps: LoginDeps,
  username: string,
  password: string,
  now: number,
  previousSessionId: string | null,
  address = 'unknown',
  /** The known-browser tokens the browser sent (any accounts'); the one of this account counts. */
  devices: string[] = [],
): Promise<LoginResult> {
  const guard = deps.guard;
  // Without a known address (in-process requests, a runtime without socket info) there is no
  // per-address budget to keep; the per-account guards still apply.
  const wait = address === 'unknown' ? 0 : guard.admit(address, now);
  if (wait > 0) return { ok: false, reason: 'throttled', retryAfterSeconds: wait };
  const attempt = { username, password, now, previousSessionId, address, devices };
  const result = await guard.serial(username.toLowerCase(), () => checkOne(deps, guard, attempt));
  return result ?? { ok: false, reason: 'throttled', retryAfterSeconds: 1 };
}

interface Attempt {
  username: string;
  password: string;
  now: number;
  previousSessionId: string | null;
  address: string;
  devices: string[];
}

/** The signature of this account's known-browser token when valid and not past its own failures. */
async function knownDevice(db: Db, guard: LoginGuard, userId: number, devices: string[], now: number): Promise<string | null> {
  for (const token of devices.slice(0, 20)) {
    const sig = await verifyKnownDevice(db, userId, token, now);
    if (sig) return guard.deviceTrusted(userId, sig, now) ? sig : null;
  }
  return null;
}

async function checkOne(deps: LoginDeps, guard: LoginGuard, a: Attempt): Promise<LoginResult> {
  const { db, writer } = deps;
  const { now, address } = a;
  const user = await getUserByUsername(db, a.username);
  if (!user) {
    await verifyPassword(a.password, await dummyHash()); // same cost as a real check
    return { ok: false, reason: 'invalid' };
  }
  const device = await knownDevice(db, guard, user.id, a.devices, now);
  const pairLock = guard.lockedUntil(user.id, address, now);
  const accountLock = user.lockedUntil !== null && user.lockedUntil > now ? user.lockedUntil : null;
  if (!device) {
    if (pairLock !== null) return { ok: false, reason: 'locked', retryAfterSeconds: seconds(pairLock, now) };
    if (accountLock !== null) return { ok: false, reason: 'locked', retryAfterSeconds: seconds(accountLock, now) };
  }
  if (!(await verifyPassword(a.password, user.passwordHash))) {
    await writer.write(...loginFailedStatements(user.id, now, ACCOUNT_LOCKOUT));
    const until = guard.failed(user.id, address, now);
    if (device) {
      guard.deviceFailed(user.id, device, now);
      if (guard.deviceTrusted(user.id, device, now)) return { ok: false, reason: 'invalid' }; // the locks do not apply to it
    }
    if (until !== null) return { ok: false, reason: 'locked', retryAfterSeconds: seconds(until, now) };
    const after = await getUserById(db, user.id);
    if (after?.lockedUntil && after.lockedUntil > now) return { ok: false, reason: 'locked', retryAfterSeconds: seconds(after.lockedUntil, now) };
    return { ok: false, reason: 'invalid' };
  }
  // Only someone who knows the password learns that the account is deactivated.
  if (!user.isActive) return { ok: false, reason: 'inactive' };
  const { token, id } = newSessionToken();
  const issued = await issueKnownDevice(db, writer, user.id, now);
  // A known browser passing a lock leaves it in place: the guessing elsewhere goes on.
  const keepLock = accountLock !== null;
  const previous = a.previousSessionId ? [deleteSessionStatement(a.previousSessionId)] : [];
  await writer.write(loginSucceededStatement(user.id, now, { keepLock }), insertSessionStatement(id, user.id, now, deps.sessionTtlMs), ...previous);
  if (pairLock === null) guard.succeeded(user.id, address);
  return { ok: true, user, token, device: issued };
}
