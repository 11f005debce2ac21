/**
 * RFC 5545 date forms on the API (docs/scheduler.md "Time zones": rule and exception dates in compact
 * UTC form `yyyyMMddTHHmmssZ`). Occurrence paths accept the compact form or ISO 8601 with a zone.
 */

/** Epoch ms → `20260401T060000Z` (seconds precision). */
export function toCompact(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

const COMPACT = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const ISO_ZONED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** `20260401T060000Z` or `2026-04-01T06:00:00Z` (any explicit offset) → epoch ms, else null. */
export function parseInstant(value: string): number | null {
  const m = COMPACT.exec(value);
  if (m) {
    const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
    const ms = Date.UTC(y, mo - 1, d, h, mi, s);
    // Reject 20260231T… (Date.UTC would roll it over into March).
    return new Date(ms).getUTCDate() === d && h < 24 && mi < 60 && s < 60 ? ms : null;
  }
  if (!ISO_ZONED.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

/** Wire form of docs/scheduler.md payloads: ISO 8601 UTC without milliseconds (`2026-04-01T06:00:00Z`). */
export function wireTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
