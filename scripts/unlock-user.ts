/**
 * `npm run unlock-user -- <username>`: opens a dashboard account locked by failed sign-ins, from
 * the server's machine, with the same database settings as the server (DATABASE_URL, …). The way
 * back in when the only superadmin is locked and nobody is signed in (docs/users.md). A running
 * server also forgets its per-address locks of that account at its next restart; the account-wide
 * lock ends at once.
 */
import { parseCli } from './cli.ts';
import { fail, openCli } from './broker-cli.ts';
import { getUserByUsername, unlockUserStatement } from '../db/users.ts';
import { auditStatement } from '../db/audit.ts';

const USAGE = `usage: npm run unlock-user -- <username>

Opens a dashboard account that failed sign-ins locked (clears the lock and the failure count).
Uses the server's database settings (DATABASE_URL, DATABASE_AUTH_TOKEN, …).

  -h, --help   this text`;

const { positionals } = parseCli(USAGE, { options: {}, allowPositionals: true });
if (positionals.length !== 1) fail(USAGE);
const cli = await openCli();
try {
  const user = await getUserByUsername(cli.db, positionals[0]);
  if (!user) fail(`no user named ${JSON.stringify(positionals[0])}`);
  await cli.writer.write(unlockUserStatement(user.id, Date.now()), auditStatement({ actor: cli.actor, action: 'user.unlock', target: user.username }, Date.now()));
  console.log(`unlocked ${user.username} (${user.role})`);
} finally {
  await cli.close();
}
