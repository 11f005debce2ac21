/**
 * What never reaches a log line (docs/operations.md "Logs"): values under secret-looking keys
 * (passwords, tokens, cookies, session ids, channel secrets) at any depth, and secret-looking
 * parts of text (Bearer tokens, `sid=` cookies, user:password@ in URLs). pino's `redact` covers
 * the fixed paths (REDACT_PATHS); `scrub` is our own care for everything else a caller passes.
 */

export const REDACTED = '[redacted]';

/** Keys whose values are secret wherever they appear. */
const SECRET_KEY = /pass(word|wd|phrase)?$|secret|token|cookie|authori[sz]ation|session|^sid$|api_?key|smtp_?url|credential/i;

/** pino `redact` paths: the same keys at the top level and one level below (`data` is our extra). */
export const REDACT_PATHS = ['password', 'token', 'secret', 'cookie', 'authorization', 'sessionId', 'sid'].flatMap((k) => [k, `*.${k}`, `data.*.${k}`]);

const TEXT_RULES: Array<[RegExp, string]> = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  [/\b(sid=)[^;,\s]+/g, `$1${REDACTED}`],
  [/(\/\/)[^/\s:@]+:[^/\s@]+@/g, `$1${REDACTED}@`], // scheme://user:password@host
  [/\b((?:password|token|secret)=)[^&\s]+/gi, `$1${REDACTED}`], // query strings and form bodies
];

/** A text with its secret-looking parts replaced. */
export function scrubText(text: string): string {
  let out = text;
  for (const [re, to] of TEXT_RULES) out = out.replace(re, to);
  return out;
}

/** A copy of `value` safe to log: secret keys replaced at any depth, texts scrubbed; cycles cut. */
export function scrub(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value) || depth > 8) return '[…]';
  seen.add(value);
  if (value instanceof Error) return { type: value.name, message: scrubText(value.message), stack: value.stack && scrubText(value.stack) };
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) && v !== null && v !== undefined ? REDACTED : scrub(v, depth + 1, seen);
  return out;
}
