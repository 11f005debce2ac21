/** Timestamp helpers. The wire and the database use UTC ISO 8601 with `Z` (docs/mqtt.md). */

const HAS_ZONE = /(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Parse a client timestamp: accepts `Z`, `+00:00` (any offset) or naive (taken as UTC), with up to
 * microsecond fractions. Returns epoch ms, or null when it is not a date.
 */
export function parseWireTime(value: string): number | null {
  let s = value.trim();
  if (!/^\d{4}-\d{2}-\d{2}/.test(s)) return null;
  s = s.replace(' ', 'T');
  // JavaScript's Date keeps milliseconds only: trim longer fractions.
  s = s.replace(/(\.\d{3})\d+/, '$1');
  if (!HAS_ZONE.test(s)) s += 'Z';
  const ms = Date.parse(s);
  return Number.isFinite(ms) ? ms : null;
}

/** Epoch ms → ISO 8601 UTC with `Z`, or null. */
export function iso(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined || !Number.isFinite(ms) ? null : new Date(ms).toISOString();
}

/** ISO string from the database → epoch ms, or null. */
export function fromIso(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const ms = Date.parse(String(value));
  return Number.isFinite(ms) ? ms : null;
}
