/**
 * Seeded randomness for the fleet simulator: the same `--seed` gives the same client UUIDs,
 * profiles and hostnames, so a run can be repeated and compared (timing still varies).
 */

/** mulberry32: tiny, fast, good enough for simulation (not for secrets). Returns [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Derive an independent stream for item `index` of a run seeded with `seed`. */
export function childRng(seed: number, index: number): () => number {
  return rng(fmix32(fmix32(seed >>> 0) ^ Math.imul(index + 1, 0x9e3779b9)));
}

/** MurmurHash3's finalizer: nearby inputs (index 0, 1, 2…) give unrelated seeds. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A lower-case RFC 4122 version-4 UUID drawn from `r` (docs/mqtt.md: 36 chars, lower case). */
export function seededUuid(r: () => number): string {
  const b = Array.from({ length: 16 }, () => Math.floor(r() * 256));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function between(r: () => number, min: number, max: number): number {
  return min + r() * (max - min);
}

export function pick<T>(r: () => number, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)]!;
}

/** `base` ± `spread` (fraction), so a fleet's timers do not all fire on the same tick. */
export function jitter(r: () => number, base: number, spread = 0.1): number {
  return base * (1 - spread + 2 * spread * r());
}
