/**
 * Dashboard users as the rest of the server sees them (docs/http.md "Roles and sessions"): the roles
 * in rank order and the user record db/users.ts reads and writes. Times are epoch ms (UTC) or null.
 */

export const ROLES = ['user', 'editor', 'admin', 'superadmin'] as const;
export type Role = (typeof ROLES)[number];

/** user < editor < admin < superadmin */
export function roleRank(role: Role): number {
  return ROLES.indexOf(role);
}

export interface User {
  id: number;
  username: string;
  passwordHash: string;
  role: Role;
  isActive: boolean;
  language: string | null;
  lastLoginAt: number | null;
  failedLoginCount: number;
  /** Wrong passwords since the last successful sign-in (the original's `failed_login_attempts`). */
  failedLoginAttempts: number;
  failedLoginWindowStart: number | null;
  lockedUntil: number | null;
  lastFailedLoginAt: number | null;
  deactivatedAt: number | null;
  /** Id of the user who deactivated this one (null: active, or deactivated before this was kept). */
  deactivatedBy: number | null;
  passwordChangedAt: number | null;
  createdAt: number;
  updatedAt: number;
}
