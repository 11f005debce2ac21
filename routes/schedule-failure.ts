/**
 * A failed schedule edit (services/schedule/edits.ts) as the JSON API answers it (docs/http.md errors):
 * field issues 400 `{error: "invalid …", issues}`, a refused input 400, not found 404, a clash
 * with what is stored 409 (`{error, conflict}` naming the overlapped holiday).
 */
import type { Context } from 'hono';
import type { EditFailure } from '../services/schedule/edits.ts';
import { invalidBody } from './validate.ts';

export function failureAnswer(c: Context, f: EditFailure) {
  switch (f.reason) {
    case 'invalid':
      return invalidBody(c, f.issues.map(({ path, message }) => ({ path, message }))); // the codes are the pages'
    case 'rejected':
      return c.json({ error: f.message }, 400);
    case 'not_found':
      return c.json({ error: f.message }, 404);
    case 'conflict':
      return c.json(f.conflict ? { error: f.message, conflict: f.conflict } : { error: f.message }, 409);
  }
}

/** A numeric path id (at most `digits` digits), or null: such an id can name nothing (404). */
export function pathId(raw: string, digits = 12): number | null {
  return raw.length <= digits && /^\d+$/.test(raw) ? Number(raw) : null;
}
