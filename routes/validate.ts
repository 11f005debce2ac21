/**
 * `validate(target, schema)`: Hono's `validator()` with a zod schema (docs/http.md: a bad body answers
 * 400 `{error, issues}` naming the offending fields, never 500). `error` names the fields, e.g.
 * `invalid limit, since`; `issues` is `[{path, message}]` with dotted paths.
 * Malformed JSON never reaches here: app.ts answers 400 `{error: 'invalid JSON'}` first.
 * Each validator also carries its schema for the OpenAPI document (hono-openapi's marker,
 * routes/openapi/), so the documented request is exactly the checked one (docs/http.md "OpenAPI").
 */
import type { Context, ValidationTargets } from 'hono';
import { validator } from 'hono/validator';
import { resolver, uniqueSymbol } from 'hono-openapi';
import { z } from 'zod';
import { parseWireTime } from '../lib/time.ts';

export interface Issue {
  path: string;
  message: string;
}

export function toIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): Issue[] {
  return issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

export function invalidBody(c: Context, issues: Issue[]) {
  const fields = [...new Set(issues.map((i) => i.path || 'body'))];
  return c.json({ error: `invalid ${fields.join(', ')}`, issues }, 400);
}

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;

export function validate<T extends keyof ValidationTargets, S extends z.ZodType>(target: T, schema: S) {
  const check = validator(target, async (value, c) => {
    if (target === 'json') {
      const type = (c.req.header('content-type') ?? '').split(';')[0].trim();
      if (!JSON_TYPE.test(type)) return c.json({ error: 'expected Content-Type: application/json' }, 415);
    }
    const parsed = await schema.safeParseAsync(value);
    if (!parsed.success) return invalidBody(c, toIssues(parsed.error.issues));
    return parsed.data as z.output<S>;
  });
  return Object.assign(check, { [uniqueSymbol]: { target, ...resolver(schema) } });
}

/**
 * Integer query value in [min, max] (docs/http.md: `limit` max 500): missing → `def`; above `max` is
 * clamped, or refused with `clamp: false`; anything else is a 400 naming the field.
 */
export const intQuery = (def: number, min: number, max: number, opts: { clamp?: boolean } = {}) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return def;
      const n = /^\d{1,9}$/.test(v.trim()) ? Number(v) : NaN;
      if (!(n >= min) || (opts.clamp === false && n > max)) {
        ctx.addIssue({ code: 'custom', message: `must be an integer from ${min} to ${max}` });
        return z.NEVER;
      }
      return Math.min(n, max);
    });

/** An ISO 8601 time as a query value (`since=…`) → epoch ms; missing → undefined; junk is a 400. */
export const timeQuery = () =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return undefined;
      // An unencoded `+00:00` offset arrives as a space: put the plus back before parsing.
      const ms = parseWireTime(v.replace(/ (\d{2}:?\d{2})$/, '+$1'));
      if (ms === null) {
        ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 timestamp' });
        return z.NEVER;
      }
      return ms;
    });
