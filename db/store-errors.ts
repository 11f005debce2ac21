/**
 * Telling a store that fails from a statement that fails (docs/reliability.md "Storage faults").
 * A statement that is wrong in itself (a constraint, a type mismatch, SQL the schema rejects) fails
 * again on every retry: the writer drops and counts it. A store that fails (read-only, full, I/O
 * error, busy or locked, unreachable libSQL server) fails every statement alike and comes back: the
 * writer keeps what it could not write and retries. Unknown codes count as statement errors so one
 * odd row can never wedge the queue; the codes below are the store's own.
 */

const STORE_CODES = /^(SQLITE_(READONLY|IOERR|FULL|BUSY|LOCKED|CANTOPEN|NOMEM|PROTOCOL|PERM|NOTADB|CORRUPT|INTERRUPT|ABORT)|HRANA_|SERVER_ERROR|STREAM_|CLIENT_CLOSED|WEBSOCKET|HTTP_|WRITE_THREAD_)/;
const NETWORK = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE|fetch failed|socket hang up|network/i;

export function isStoreFailure(err: unknown): boolean {
  const e = err as { code?: unknown; cause?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (typeof e.code === 'string' && STORE_CODES.test(e.code)) return true;
  if (typeof e.code === 'string' && NETWORK.test(e.code)) return true;
  if (typeof e.message === 'string' && NETWORK.test(e.message) && !(typeof e.code === 'string' && e.code.startsWith('SQLITE_'))) return true;
  return e.cause !== undefined && e.cause !== err && isStoreFailure(e.cause);
}

/**
 * Thrown by `write`/`writeAtomic` (and by the HTTP guard) while the store fails: the write was not
 * made durable. app.ts maps it to 503 in one place.
 */
export class StoreUnavailableError extends Error {
  constructor(readonly reason: string) {
    super(`storage unavailable: ${reason}`);
    this.name = 'StoreUnavailableError';
  }
}

export function errorText(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown } | null;
  const msg = typeof e?.message === 'string' ? e.message : String(err);
  return typeof e?.code === 'string' && !msg.startsWith(e.code) ? `${e.code}: ${msg}` : msg;
}
