/**
 * The statistics cards of the users page and `GET /api/users/stats` (docs/users.md): counted over
 * the users the viewer may see (an admin's figures leave superadmins out, like the list does).
 */
import { ROLES, type Role, type User } from '../../domain/users.ts';

/** "Recent logins" look back this far. */
export const RECENT_LOGIN_DAYS = 7;

export interface UserStats {
  total: number;
  active: number;
  inactive: number;
  /** Locked right now (failed sign-ins). */
  locked: number;
  byRole: Record<Role, number>;
  /** Users who signed in within the last RECENT_LOGIN_DAYS days. */
  recentLogins: number;
  recentLoginDays: number;
}

export function userStats(users: readonly User[], now: number): UserStats {
  const since = now - RECENT_LOGIN_DAYS * 86_400_000;
  const byRole = Object.fromEntries(ROLES.map((r) => [r, 0])) as Record<Role, number>;
  const s: UserStats = { total: users.length, active: 0, inactive: 0, locked: 0, byRole, recentLogins: 0, recentLoginDays: RECENT_LOGIN_DAYS };
  for (const u of users) {
    if (u.isActive) s.active++;
    else s.inactive++;
    if (u.lockedUntil !== null && u.lockedUntil > now) s.locked++;
    if (u.lastLoginAt !== null && u.lastLoginAt >= since) s.recentLogins++;
    byRole[u.role]++;
  }
  return s;
}
