/**
 * `prestart` / `pretest`: on a fresh clone (or after a pull that changed package-lock.json) install
 * the locked dependencies first, so `npm start` and `npm test` are the only two commands a newcomer
 * needs. Plain JavaScript on purpose: it runs before tsx exists. A no-op when node_modules matches
 * the lock file (npm writes node_modules/.package-lock.json on every install).
 */
import { existsSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const lock = `${root}package-lock.json`;
const installed = `${root}node_modules/.package-lock.json`;

const stale = !existsSync(installed) || !existsSync(`${root}node_modules/tsx`) || statSync(lock).mtimeMs > statSync(installed).mtimeMs;
if (stale) {
  console.log('infoscreen-server: installing the locked dependencies (npm ci) …');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('infoscreen-server: `npm ci` failed; fix the error above and run the command again.');
    process.exit(r.status ?? 1);
  }
}
