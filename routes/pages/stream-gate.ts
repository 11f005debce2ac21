/**
 * How many server-sent-event streams may be open (docs/reliability.md "Live streams under load"):
 * per session, per user and in total, each bounded by a setting (`STREAM_MAX_PER_SESSION`,
 * `STREAM_MAX_PER_USER`, `STREAM_MAX_TOTAL`); one past a bound is answered 429 before anything is
 * rendered. Every SSE endpoint takes its slot here (sse.ts `liveStream` and `eventStream`), so one
 * signed-in `user` cannot open hundreds of streams and starve `/health` and MQTT ingest.
 * The gate also carries how long a write may stay unfinished before the reader counts as stalled
 * and is dropped (`STREAM_STALL_SECONDS`).
 */
import type { Context } from 'hono';
import type { Config } from '../../config.ts';
import type { AppEnv } from '../middleware/session.ts';

export interface StreamLimits {
  perSession: number; // open streams of one session
  perUser: number; // open streams of one user, all sessions together
  total: number; // open streams of this server
  stallMs: number; // ms a write may stay unfinished before the reader is dropped
}

export type Refusal = 'session' | 'user' | 'total';

export class StreamGate {
  #bySession = new Map<string, number>();
  #byUser = new Map<number, number>();
  #open = 0;
  /** Streams refused (429) and readers dropped as stalled, since start. */
  readonly counts = { refused: 0, stalled: 0 };

  constructor(readonly limits: StreamLimits) {}

  get open(): number {
    return this.#open;
  }

  /** A slot for one more stream of this session and user (released exactly once), or which bound refused it. */
  acquire(sessionId: string | null, userId: number | null): { release: () => void } | { refused: Refusal } {
    const refused = this.#refusal(sessionId, userId);
    if (refused) {
      this.counts.refused++;
      return { refused };
    }
    this.#open++;
    if (sessionId !== null) bump(this.#bySession, sessionId, 1);
    if (userId !== null) bump(this.#byUser, userId, 1);
    let held = true;
    return {
      release: () => {
        if (!held) return;
        held = false;
        this.#open--;
        if (sessionId !== null) bump(this.#bySession, sessionId, -1);
        if (userId !== null) bump(this.#byUser, userId, -1);
      },
    };
  }

  #refusal(sessionId: string | null, userId: number | null): Refusal | null {
    if (sessionId !== null && (this.#bySession.get(sessionId) ?? 0) >= this.limits.perSession) return 'session';
    if (userId !== null && (this.#byUser.get(userId) ?? 0) >= this.limits.perUser) return 'user';
    if (this.#open >= this.limits.total) return 'total';
    return null;
  }
}

function bump<K>(m: Map<K, number>, k: K, by: number): void {
  const n = (m.get(k) ?? 0) + by;
  if (n > 0) m.set(k, n);
  else m.delete(k);
}

export function streamLimits(config: Pick<Config, 'STREAM_MAX_PER_SESSION' | 'STREAM_MAX_PER_USER' | 'STREAM_MAX_TOTAL' | 'STREAM_STALL_SECONDS'>): StreamLimits {
  return {
    perSession: config.STREAM_MAX_PER_SESSION,
    perUser: config.STREAM_MAX_PER_USER,
    total: config.STREAM_MAX_TOTAL,
    stallMs: config.STREAM_STALL_SECONDS * 1000,
  };
}

const WHY: Record<Refusal, string> = {
  session: 'too many open streams for this session',
  user: 'too many open streams for this user',
  total: 'too many open streams on this server',
};

/**
 * Takes a slot for the stream of this request: its release function, or the 429 answer
 * (`Retry-After`: an EventSource retries by itself; the browser's other streams keep working).
 */
export function takeSlot(c: Context, gate: StreamGate | null): { release: () => void } | Response {
  if (!gate) return { release: () => {} };
  const { user, sessionId } = (c as Context<AppEnv>).var;
  const slot = gate.acquire(sessionId ?? null, user?.id ?? null);
  if ('release' in slot) return slot;
  c.header('Retry-After', '10');
  return c.json({ error: WHY[slot.refused] }, 429);
}
