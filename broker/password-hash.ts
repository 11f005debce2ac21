/**
 * Device and server broker passwords, hashed in Mosquitto's own `$7$` format (PBKDF2-HMAC-SHA512,
 * as written by `mosquitto_passwd` 2.0): `$7$<iterations>$<base64 salt>$<base64 64-byte hash>`.
 * One hash, two verifiers: the embedded broker checks it here, and the very same string goes into
 * the generated Mosquitto password file. Web Crypto only, so it
 * runs unchanged on Deno.
 *
 * Why only 1,000 iterations (mosquitto_passwd 2.0 uses 101): these passwords are 32 random
 * characters (192 bits), never chosen by people, so no dictionary or brute-force attack applies
 * whatever the cost; the hash only keeps a leaked database from being a list of working passwords.
 * A cheap hash keeps 10,000 devices reconnecting after a broker restart from costing minutes of CPU
 * (~1.4 ms per check here).
 */

export const DEFAULT_ITERATIONS = 1000;
const SALT_BYTES = 12; // what mosquitto_passwd writes
const HASH_BYTES = 64; // SHA-512 output
const MAX_ITERATIONS = 1_000_000; // refuse absurd costs from a tampered file/row (a DoS otherwise)

const enc = new TextEncoder();

const toB64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
function fromB64(s: string): Uint8Array | null {
  try {
    const bin = atob(s);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', enc.encode(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-512', salt: salt as BufferSource, iterations }, key, HASH_BYTES * 8);
  return new Uint8Array(bits);
}

/** `$7$…` hash of `password` with a fresh random salt. */
export async function hashBrokerPassword(password: string, iterations = DEFAULT_ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  return `$7$${iterations}$${toB64(salt)}$${toB64(await derive(password, salt, iterations))}`;
}

/** Constant-time check against a `$7$` hash; anything malformed verifies as false, never throws. */
export async function verifyBrokerPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$'); // ['', '7', iterations, salt, hash]
  if (parts.length !== 5 || parts[0] !== '' || parts[1] !== '7') return false;
  const iterations = Number(parts[2]);
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > MAX_ITERATIONS) return false;
  const salt = fromB64(parts[3]);
  const expected = fromB64(parts[4]);
  if (!salt || !expected || expected.length !== HASH_BYTES) return false;
  const actual = await derive(password, salt, iterations);
  let diff = 0;
  for (let i = 0; i < HASH_BYTES; i++) diff |= actual[i] ^ expected[i];
  return diff === 0;
}
