/**
 * Every script of package.json answers `--help` (and `-h`) with its usage and exit code 0, at
 * once and without starting anything (the test runner runs no test, typecheck prints ours, not
 * tsc's); an unknown option is one line naming it plus the usage, exit 2.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
// Scripts that run an entry point of ours (`test` and `typecheck` included; not the pre-scripts' dependency check).
const entries = Object.entries(pkg.scripts)
  .map(([name, cmd]) => [name, /(scripts\/[\w.-]+\.m?[jt]s)$/.exec(cmd)?.[1]] as const)
  .filter((e): e is readonly [string, string] => !!e[1] && !e[0].startsWith('pre'));

const run = (file: string, args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', file, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000, env: { ...process.env, PORT: '1', DATABASE_URL: 'file:/nonexistent-help-test/x.db' } });

test('the scripts found in package.json', () => {
  for (const name of ['start', 'test', 'typecheck', 'unlock-user', 'simulate', 'bench:ingest', 'bench:commands', 'bench:scheduler', 'bench:dashboard', 'provision', 'broker:mosquitto', 'demo', 'backup', 'restore']) {
    assert.ok(entries.some(([n]) => n === name), name);
  }
});

/** Three children at a time: 40 sequential tsx starts took over 120 s on a busy machine. */
function runAsync(file: string, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], { cwd: ROOT, env: { ...process.env, PORT: '1', DATABASE_URL: 'file:/nonexistent-help-test/x.db' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b));
    child.stderr.on('data', (b: Buffer) => (stderr += b));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (status) => (clearTimeout(timer), done({ status, stdout, stderr })));
  });
}
// `-h` is the same code path in every script (scripts/cli.ts parseCli): checked on the three entry points a newcomer meets.
const SHORT_FLAG = new Set(['start', 'test', 'typecheck']);
const flagsOf = (name: string) => (SHORT_FLAG.has(name) ? ['--help', '-h'] : ['--help']);
const jobs = entries.flatMap(([name, file]) => flagsOf(name).map((flag) => ({ key: `${name} ${flag}`, file, flag })));
const helpOf = new Map<string, Awaited<ReturnType<typeof runAsync>>>();
for (let i = 0; i < jobs.length; i += 3) {
  await Promise.all(jobs.slice(i, i + 3).map(async (j) => helpOf.set(j.key, await runAsync(j.file, [j.flag]))));
}

for (const [name] of entries) {
  test(`npm run ${name} -- --help prints the usage and exits 0`, () => {
    for (const flag of flagsOf(name)) {
      const r = helpOf.get(`${name} ${flag}`)!;
      assert.is(r.status, 0, `${name} ${flag}: ${r.stderr}`);
      assert.match(r.stdout, /^usage: npm (start|test|run )/, `${name} ${flag}: ${r.stdout}`);
      assert.not.match(r.stdout + r.stderr, /listening|embedded broker on/, 'nothing started');
      assert.not.match(r.stdout, /running \d+ test file|passed, \d+ failed|tsc: The TypeScript Compiler/, 'no suite run, not tsc\'s help');
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

test('backup and restore without a file: the usage and exit 2, nothing touched', () => {
  for (const [file, name] of [['scripts/backup.ts', 'backup'], ['scripts/restore.ts', 'restore']]) {
    const none = run(file, []);
    assert.is(none.status, 2, none.stderr);
    assert.match(none.stderr, new RegExp(`^usage: npm run ${name} -- <file>`));
  }
});

test('typecheck passes any other option on to tsc', () => {
  const r = run('scripts/typecheck.mjs', ['--version']);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Version \d+\./);
});

test('the test runner refuses an unknown option instead of running the suite', () => {
  const r = run('scripts/run-tests.ts', ['--verbos']);
  assert.is(r.status, 2);
  assert.match(r.stderr, /--verbos/);
  assert.match(r.stderr, /usage: npm test/);
  assert.not.match(r.stdout, /running \d+ test file/);
});

test.run();
