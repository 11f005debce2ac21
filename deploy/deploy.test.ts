/**
 * The deployment files (docs/deploy.md): the systemd unit passes `systemd-analyze verify` (a copy
 * whose ExecStart names this machine's node, since verify checks that the binary exists; skipped
 * when systemd-analyze is missing) and keeps its hardening; the Containerfile and compose file
 * point at files and routes that exist. Building or running the image needs a container engine
 * and registry access for its base image, which the test machines do not have.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const read = (f: string) => readFileSync(join(ROOT, f), 'utf8');
const unit = read('deploy/infoscreen-server.service');

/** `Key=value` lines of the unit (comments dropped); a key may repeat. */
const directives = unit
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#') && !l.startsWith(';') && l.includes('='))
  .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const);
const values = (key: string) => directives.filter(([k]) => k === key).map(([, v]) => v);

const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
const haveAnalyze = analyze.status === 0;
if (!haveAnalyze) console.log('NOTICE: systemd-analyze missing: the unit verification is skipped');

(haveAnalyze ? test : test.skip)('systemd-analyze verify accepts the unit without a warning', () => {
  const dir = mkdtempSync(join(tmpdir(), 'infoscreen-unit-'));
  try {
    const copy = join(dir, 'infoscreen-server.service');
    writeFileSync(copy, unit.replace(/^ExecStart=\S+/m, `ExecStart=${process.execPath}`));
    const r = spawnSync('systemd-analyze', ['verify', copy], { encoding: 'utf8', timeout: 60_000 });
    assert.is(r.status, 0, r.stderr);
    // verify exits 0 even for a directive it ignores ("Failed to parse …, ignoring"): any line about the unit fails.
    const about = r.stderr.split('\n').filter((l) => l.includes('infoscreen-server.service'));
    assert.equal(about, [], about.join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the unit: dedicated user, strict file system with only the data folder writable, no restart loop on exit 2', () => {
  assert.equal(values('User'), ['infoscreen']);
  for (const [k, v] of [['NoNewPrivileges', 'yes'], ['ProtectSystem', 'strict'], ['ProtectHome', 'yes'], ['PrivateTmp', 'yes'], ['PrivateDevices', 'yes'], ['RestartPreventExitStatus', '2'], ['Restart', 'on-failure']]) {
    assert.equal(values(k), [v], k);
  }
  const dataDir = /DATA_DIR=(\S+)/.exec(values('Environment').join(' '))?.[1];
  assert.ok(dataDir, 'DATA_DIR set');
  assert.ok(values('ReadWritePaths').join(' ').split(/\s+/).includes(dataDir!), 'the data folder is writable');
  assert.equal(values('MemoryDenyWriteExecute'), [], "V8's JIT cannot run under MemoryDenyWriteExecute");
  assert.equal(values('CapabilityBoundingSet'), [''], 'no capabilities');
  const exec = values('ExecStart')[0].split(/\s+/);
  assert.ok(existsSync(join(ROOT, exec.at(-1)!)), `${exec.at(-1)} exists`);
});

test('the Containerfile: node:20-slim, production dependencies only (tsx is one), non-root, health check on /health/live', () => {
  const file = read('deploy/Containerfile');
  assert.match(file, /^FROM \S*node:20-slim\b/m);
  assert.match(file, /npm ci --omit=dev/);
  const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
  assert.ok(pkg.dependencies.tsx, 'tsx must stay a runtime dependency for --omit=dev');
  const user = /^USER (\S+)/m.exec(file)?.[1];
  assert.ok(user && user !== 'root' && user !== '0', `USER ${user}`);
  assert.match(file, /^HEALTHCHECK .*\n?.*\/health\/live/m);
  const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(file)![1]) as string[];
  assert.ok(existsSync(join(ROOT, cmd.at(-1)!)), `${cmd.at(-1)} exists`);
});

test('compose: Mosquitto and sqld are opt-in profiles; the build names the Containerfile', () => {
  const file = read('deploy/compose.yaml');
  assert.match(file, /^ {2}mosquitto:\n {4}profiles: \[mosquitto\]/m);
  assert.match(file, /^ {2}sqld:\n {4}profiles: \[sqld\]/m);
  const dockerfile = /dockerfile: (\S+)/.exec(file)?.[1];
  assert.ok(dockerfile && existsSync(join(ROOT, dockerfile)), `${dockerfile} exists`);
});

test.run();
