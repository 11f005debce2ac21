/**
 * Every script of package.json answers `--help` (and `-h`) with its usage and exit code 0, at
 * once and without starting anything; an unknown option is one line naming it plus the usage, exit 2.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
// Scripts that run a TypeScript entry point (not the test runner itself, not the dependency check).
const entries = Object.entries(pkg.scripts)
  .map(([name, cmd]) => [name, /(scripts\/[\w.-]+\.ts)$/.exec(cmd)?.[1]] as const)
  .filter((e): e is readonly [string, string] => !!e[1] && e[0] !== 'test');

const run = (file: string, args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', file, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000, env: { ...process.env, PORT: '1', DATABASE_URL: 'file:/nonexistent-help-test/x.db' } });

test('the scripts found in package.json', () => {
  for (const name of ['start', 'unlock-user', 'simulate', 'bench:ingest', 'bench:commands', 'bench:scheduler', 'bench:dashboard', 'provision', 'broker:mosquitto', 'demo']) {
    assert.ok(entries.some(([n]) => n === name), name);
  }
});

for (const [name, file] of entries) {
  test(`npm run ${name} -- --help prints the usage and exits 0`, () => {
    for (const flag of ['--help', '-h']) {
      const r = run(file, [flag]);
      assert.is(r.status, 0, `${name} ${flag}: ${r.stderr}`);
      assert.match(r.stdout, /^usage: npm (start|run )/, `${name} ${flag}: ${r.stdout}`);
      assert.not.match(r.stdout + r.stderr, /listening|embedded broker on/, 'nothing started');
    }
  });
}

test('an unknown option names itself, prints the usage and exits 2', () => {
  const r = run('scripts/simulate-fleet.ts', ['--clientz', '5']);
  assert.is(r.status, 2);
  assert.match(r.stderr, /--clientz/);
  assert.match(r.stderr, /usage: npm run simulate/);
  assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
});

test.run();
