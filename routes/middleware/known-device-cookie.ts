/**
 * The known-browser cookie (docs/users.md "Known browsers", services/accounts/known-device.ts): read at sign-in,
 * (re)issued after every successful one. HttpOnly, SameSite=Lax, Secure like the session cookie.
 */
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { KNOWN_DEVICE_COOKIE, KNOWN_DEVICE_MS, knownDeviceCookieName } from '../../services/accounts/known-device.ts';
import { isSecureRequest } from './session.ts';
import type { RouteDeps } from '../deps.ts';

/** Every known-browser token the browser sent (one per account it signed in to). */
export function knownDeviceTokens(c: Context): string[] {
  return Object.entries(getCookie(c))
    .filter(([name]) => KNOWN_DEVICE_COOKIE.test(name))
    .map(([, value]) => value);
}

export function setKnownDeviceCookie(c: Context, userId: number, token: string, deps: Pick<RouteDeps, 'config'>): void {
  setCookie(c, knownDeviceCookieName(userId), token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: isSecureRequest(c, deps.config.COOKIE_SECURE),
    path: '/',
    maxAge: Math.floor(KNOWN_DEVICE_MS / 1000),
  });
}
