/**
 * The request a log line belongs to (docs/operations.md "Logs"): the HTTP layer runs each request
 * inside `withRequestId`, and every line logged while it is handled, in any module, carries the id.
 * `node:async_hooks` is the one Node API here; Deno 2 and Bun provide it too.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const store = new AsyncLocalStorage<string>();

/** Runs `fn` (and whatever it awaits) with `id` as the current request id. */
export function withRequestId<T>(id: string, fn: () => T): T {
  return store.run(id, fn);
}

/** The id of the request being handled, if any. */
export function currentRequestId(): string | undefined {
  return store.getStore();
}

/**
 * Runs `fn` outside any request: timers it arms do not carry the id of the request that happened
 * to arm them (a background loop such as the outbox worker re-arms itself forever).
 */
export function outsideRequest<T>(fn: () => T): T {
  return store.exit(fn);
}
