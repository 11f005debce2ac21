/**
 * Strict base64 → bytes for screenshot payloads (docs/mqtt.md: `data` is base64 JPEG). Web-standard
 * first: `Uint8Array.fromBase64` (not in Node 20), then Node's `Buffer` when present (fast, no
 * binary string), then `atob` (Deno and browsers). Validates first, because Buffer ignores junk.
 */

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;
const B64URL = /^[A-Za-z0-9_-]*={0,2}$/;

interface Fast {
  fromBase64?: (s: string, o?: { alphabet?: string }) => Uint8Array;
}
interface NodeBuffer {
  from(s: string, enc: string): Uint8Array;
}

/**
 * Accepts standard or URL-safe alphabet, with or without `=` padding, with line breaks (Python's
 * `encodebytes` wraps at 76 chars) and an optional `data:…;base64,` prefix. Returns null for
 * anything else or an empty result.
 */
export function decodeBase64(input: string): Uint8Array | null {
  let s = input;
  const comma = s.startsWith('data:') ? s.indexOf(',') : -1;
  if (comma >= 0) s = s.slice(comma + 1);
  if (/\s/.test(s)) s = s.replace(/\s+/g, '');
  const url = !B64.test(s);
  if (url && !B64URL.test(s)) return null;
  if (url) s = s.replace(/-/g, '+').replace(/_/g, '/');
  s = s.replace(/=+$/, '');
  if (s.length === 0 || s.length % 4 === 1) return null;
  const pad = s.length % 4;
  if (pad) s += '='.repeat(4 - pad);
  try {
    const fast = (Uint8Array as unknown as Fast).fromBase64;
    if (fast) return nonEmpty(fast(s));
    const buf = (globalThis as { Buffer?: NodeBuffer }).Buffer;
    if (buf) {
      const b = buf.from(s, 'base64');
      return nonEmpty(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
    }
    const bin = atob(s);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return nonEmpty(out);
  } catch {
    return null;
  }
}

function nonEmpty(b: Uint8Array): Uint8Array | null {
  return b.byteLength > 0 ? b : null;
}

/** JPEG files start with SOI + a marker: FF D8 FF. */
export function looksLikeJpeg(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
}
