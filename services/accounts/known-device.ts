/**
 * Known-browser tokens (docs/users.md "Known browsers"): after a successful sign-in the browser gets
 * a long-lived cookie per account, `<userId>.<issued s>.<HMAC-SHA256>`, signed with a server secret
 * kept in the database (`server_secrets` row `known_device`, created on first use, never answered by
 * any API or page). Presenting a valid one lets the account's owner sign in with the right password while a
 * distributed guess keeps the account locked for every other browser.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServerSecretStatement, getServerSecret } from '../../db/server-secrets.ts';
import type { Db } from '../../db/client.ts';
import type { Writes } from '../../db/logs.ts';

/** How long a known-browser cookie is honoured after the sign-in that issued it (renewed by every sign-in). */
export const KNOWN_DEVICE_DAYS = 180; // days
export const KNOWN_DEVICE_MS = KNOWN_DEVICE_DAYS * 86_400_000;
const SECRET_NAME = 'known_device';
const TOKEN = /^(\d{1,12})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

/** One cookie per account, so browsers shared by several people keep each one's token. */
export const knownDeviceCookieName = (userId: number) => `known_${userId}`;
export const KNOWN_DEVICE_COOKIE = /^known_\d{1,12}$/;

/** Read at every sign-in (one indexed row; sign-ins are rare and throttled): no cache to keep in step. */
const readSecret = (db: Db): Promise<string | null> => getServerSecret(db, SECRET_NAME);

/** The secret, created at the first sign-in (two instances racing keep the first one stored). */
async function ensureSecret(db: Db, writer: Writes, now: number): Promise<string> {
  const known = await readSecret(db);
  if (known) return known;
  await writer.write(createServerSecretStatement(SECRET_NAME, randomBytes(32).toString('base64url'), now));
  const stored = await readSecret(db);
  if (!stored) throw new Error('known-device secret was not stored');
  return stored;
}

const sign = (secret: string, userId: number, issued: number) =>
  createHmac('sha256', secret).update(`known-device|${userId}|${issued}`).digest('base64url');

export async function issueKnownDevice(db: Db, writer: Writes, userId: number, now: number): Promise<string> {
  const issued = Math.floor(now / 1000);
  return `${userId}.${issued}.${sign(await ensureSecret(db, writer, now), userId, issued)}`;
}

/**
 * The token's signature (its identity for the per-browser failure count) when `token` is a valid,
 * unexpired token of `userId`; null otherwise (forged, another account's, expired, no secret yet).
 */
export async function verifyKnownDevice(db: Db, userId: number, token: string, now: number): Promise<string | null> {
  const m = TOKEN.exec(token);
  if (!m || Number(m[1]) !== userId) return null;
  const issuedMs = Number(m[2]) * 1000;
  if (issuedMs > now + 60_000 || now - issuedMs > KNOWN_DEVICE_MS) return null;
  const secret = await readSecret(db);
  if (!secret) return null;
  const want = Buffer.from(sign(secret, userId, Number(m[2])));
  const got = Buffer.from(m[3]);
  return want.length === got.length && timingSafeEqual(want, got) ? m[3] : null;
}
