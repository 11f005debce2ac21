/**
 * `npm run typecheck`: `tsc --noEmit -p .` with any extra options passed on, except that `--help`
 * / `-h` prints this project's usage (tsc's own help text describes tsc, not the command). Plain
 * JavaScript like ensure-deps.mjs: it only starts the compiler, so it needs no tsx start-up.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const USAGE = `usage: npm run typecheck [-- <tsc option> …]

Type-checks the whole project with TypeScript's compiler (tsc --noEmit -p ., strict; settings in
tsconfig.json) without writing any file. Exit code 0 when there is no type error, 1 or 2 otherwise.
Extra options go to tsc as they are, e.g. \`npm run typecheck -- --pretty false\` or
\`npm run typecheck -- --extendedDiagnostics\`.`;

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}

const root = fileURLToPath(new URL('..', import.meta.url));
// The compiler of the installed `typescript` package, wherever npm put it.
const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
const r = spawnSync(process.execPath, [tsc, '--noEmit', '-p', '.', ...args], { cwd: root, stdio: 'inherit' });
if (r.error) {
  console.error(`typecheck: cannot run ${tsc}: ${r.error.message}`);
  process.exit(1);
}
process.exit(r.status ?? 1); // killed by a signal: a failure, not a pass
