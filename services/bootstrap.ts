/**
 * First start (docs/http.md "Roles and sessions"): with an empty users table, create the superadmin
 * from DEFAULT_SUPERADMIN_USERNAME / DEFAULT_SUPERADMIN_PASSWORD. When the password is unset a
 * random one is generated and RETURNED, so the entry point prints it exactly once; nothing here
 * logs a password.
 */
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { Writes } from '../db/logs.ts';
import { countUsers, getUserByUsername, insertUserStatement } from '../db/users.ts';
import { generatePassword, hashPassword } from '../lib/password.ts';
import { logger } from '../lib/logger.ts';

const log = logger('bootstrap');

/** Answers the generated credentials, or null when nothing was generated (users exist, or configured). */
export async function bootstrapSuperadmin(
  db: Db,
  writer: Writes,
  config: Pick<Config, 'DEFAULT_SUPERADMIN_USERNAME' | 'DEFAULT_SUPERADMIN_PASSWORD'>,
  now: number,
): Promise<{ username: string; password: string } | null> {
  if ((await countUsers(db)) > 0) return null;
  const username = config.DEFAULT_SUPERADMIN_USERNAME || 'superadmin';
  const generated = config.DEFAULT_SUPERADMIN_PASSWORD ? null : generatePassword(20);
  const passwordHash = await hashPassword(config.DEFAULT_SUPERADMIN_PASSWORD ?? generated!);
  await writer.write(insertUserStatement({ username, passwordHash, role: 'superadmin' }, now));
  if (!(await getUserByUsername(db, username))) throw new Error(`could not create the superadmin "${username}"`);
  log.info(`created superadmin "${username}"${generated ? ' with a generated password' : ''}`);
  return generated ? { username, password: generated } : null;
}
