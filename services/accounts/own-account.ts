/**
 * What signed-in people do to their own account, written once for both doors: the JSON API
 * (routes/auth.ts) and the dashboard (routes/pages/auth.ts, routes/pages/settings.ts). The doors
 * check the input's shape (lengths, a known language) and render the answer; the rules live here.
 */
import type { Writes } from '../../db/logs.ts';
import { deleteSessionStatement, deleteUserSessionsStatement } from '../../db/sessions.ts';
import { setPasswordStatement, updateUserStatement } from '../../db/users.ts';
import type { User } from '../../domain/users.ts';
import { hashPassword, verifyPassword } from '../../lib/password.ts';

export interface OwnAccountDeps {
  /** The one writer (docs/architecture.md "One writer"): each change resolves once stored. */
  writer: Writes;
  now: () => number;
}

/** Signs out: deletes this session (nothing to do without one). */
export async function endSession(d: OwnAccountDeps, sessionId: string | null): Promise<void> {
  if (sessionId) await d.writer.write(deleteSessionStatement(sessionId));
}

/**
 * Checks the current password, then stores the new one. Every other session of the user ends (a
 * password change must lock out whoever else was signed in); `sessionId`, the one asking, stays.
 */
export async function changePassword(
  d: OwnAccountDeps,
  user: Pick<User, 'id' | 'passwordHash'>,
  sessionId: string | null,
  current: string,
  next: string,
): Promise<'changed' | 'wrong_password'> {
  if (!(await verifyPassword(current, user.passwordHash))) return 'wrong_password';
  const hash = await hashPassword(next);
  await d.writer.write(setPasswordStatement(user.id, hash, d.now()), deleteUserSessionsStatement(user.id, sessionId ?? undefined));
  return 'changed';
}

/** Stores the user's language (`null`: the browser's); the door has checked it is one we speak. */
export async function setLanguage(d: OwnAccountDeps, user: Pick<User, 'id'>, language: string | null): Promise<void> {
  const stmt = updateUserStatement(user.id, { language }, d.now());
  if (stmt) await d.writer.write(stmt);
}
