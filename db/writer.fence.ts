/**
 * The writer's epoch fence (docs/high-availability.md): with a fence statement, every batch starts
 * with it, which fails the whole transaction once the instance lease passed to another server. A
 * fenced batch is not a store failure and is never retried: the writer stops for good.
 */
import type { InStatement } from '@libsql/client';

/** Thrown by writes once the writer was fenced: another server holds the database now. */
export class FencedError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'FencedError';
  }
}

/** The statements of one transaction, behind the fence when there is one. */
export function guarded(fence: InStatement | null, statements: InStatement[]): InStatement[] {
  return fence ? [fence, ...statements] : statements;
}
