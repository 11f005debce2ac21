/**
 * `npm test`: runs every `*.test.ts` in its own `node --import tsx` process (an open handle or a
 * crash in one file cannot hang or break the others), two at a time, and parses uvu's summary.
 * The very last line is `N passed, N failed` (skips, if any, on the line before); exit code 1 on any failure.
 *
 *   npm test                      all files
 *   npm test -- broker db/        only files whose path contains "broker" or "db/"
 *   npm test -- -v                print every file's output, not only the failing ones
 *   TEST_JOBS=1 TEST_TIMEOUT_S=300 npm test
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseCli } from './cli.ts';

const USAGE = `
usage: npm test [-- [-v] [<path-substring> …]]

Runs every *.test.ts in its own process, TEST_JOBS (2) at a time, each within TEST_TIMEOUT_S
(120 s), and ends with the line "N passed, N failed"; exit code 1 on any failure. The browser
tests need Debian's chromium and the interop tests mosquitto: without them they are skipped.

  <path-substring>  only the files whose path contains it, e.g. \`npm test -- broker db/\`
  -v, --verbose     print every file's output, not only the failing ones
`;

const ROOT = resolve(import.meta.dirname, '..');
const SKIP_DIRS = new Set(['node_modules', 'data', 'test-artifacts', '.git']);
const JOBS = Math.max(1, Number(process.env.TEST_JOBS) || 2);
const TIMEOUT_MS = (Number(process.env.TEST_TIMEOUT_S) || 120) * 1000; // per file
const AFTER_SUMMARY_MS = 10_000; // a file still alive this long after its summary has an open handle

interface FileResult {
  file: string;
  passed: number;
  failed: number;
  skipped: number;
  ms: number;
  problem: string | null; // why the file failed beyond its own failing tests
  output: string;
}

/** Every *.test.ts under `dir`, sorted, paths relative to the repo root. */
function findTestFiles(dir = ROOT): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) walk(join(d, e.name));
      } else if (e.isFile() && e.name.endsWith('.test.ts')) out.push(relative(ROOT, join(d, e.name)));
    }
  };
  walk(dir);
  return out.sort();
}

const ANSI = /\x1b\[[0-9;]*m/g;

/** uvu prints one summary per process (all suites of the file together); the last one wins. */
function parseSummary(text: string): { total: number; passed: number; skipped: number } | null {
  const clean = text.replace(ANSI, '');
  const m = [...clean.matchAll(/Total:\s+(\d+)\s+Passed:\s+(\d+)\s+Skipped:\s+(\d+)/g)].at(-1);
  return m ? { total: Number(m[1]), passed: Number(m[2]), skipped: Number(m[3]) } : null;
}

const running = new Set<ChildProcess>();

/** Kill the child's whole process group (it may have spawned a server or deno of its own). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

function runFile(file: string): Promise<FileResult> {
  const started = Date.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // own process group, so a timeout kills grandchildren too
    });
    running.add(child);
    let output = '';
    let problem: string | null = null;
    let afterSummary: NodeJS.Timeout | undefined;
    const onData = (b: Buffer) => {
      output += b.toString();
      if (!afterSummary && /Duration:/.test(output.replace(ANSI, ''))) {
        afterSummary = setTimeout(() => {
          problem = `printed its summary but did not exit within ${AFTER_SUMMARY_MS / 1000} s: an open handle (server, MQTT client, interval) is not closed in test.after`;
          killGroup(child, 'SIGKILL');
        }, AFTER_SUMMARY_MS);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    const timer = setTimeout(() => {
      problem = `timed out after ${TIMEOUT_MS / 1000} s (set TEST_TIMEOUT_S to change)`;
      killGroup(child, 'SIGTERM');
      setTimeout(() => killGroup(child, 'SIGKILL'), 2000).unref();
    }, TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(afterSummary);
      running.delete(child);
      killGroup(child, 'SIGKILL'); // reap anything the file left behind
      const s = parseSummary(output);
      let passed = 0;
      let failed = 0;
      let skipped = 0;
      if (s) {
        passed = s.passed;
        skipped = s.skipped;
        failed = s.total - s.passed; // uvu's Total excludes skipped tests
      }
      if (!problem && !s) problem = `exited (${signal ?? `code ${code}`}) without a uvu summary: import error, missing test.run(), or the process ended early`;
      // A file whose every case was skipped (a missing chromium or mosquitto) reports its skips; one
      // that registered nothing at all is broken.
      if (!problem && s && s.total === 0 && s.skipped === 0) problem = 'ran no test';
      if (!problem && code !== 0 && failed === 0) problem = `exited with ${signal ?? `code ${code}`} although every test passed`;
      if (problem && failed === 0) failed = 1; // the file itself counts as one failure
      done({ file, passed, failed, skipped, ms: Date.now() - started, problem, output });
    });
  });
}

function report(r: FileResult, verbose: boolean) {
  const ok = r.failed === 0;
  const secs = (r.ms / 1000).toFixed(1);
  const counts = `${r.passed} passed${r.failed ? `, ${r.failed} failed` : ''}${r.skipped ? `, ${r.skipped} skipped` : ''}`;
  console.log(`${ok ? 'ok  ' : 'FAIL'}  ${r.file}  (${counts}, ${secs} s)`);
  if (!ok || verbose) {
    const body = r.output.replace(ANSI, '').trimEnd();
    if (body) console.log(body.split('\n').map((l) => `    │ ${l}`).join('\n'));
    if (r.problem) console.log(`    └ ${r.file}: ${r.problem}`);
  }
}

async function main() {
  // --help prints the usage instead of running the suite; an unknown option is refused (exit 2).
  const { values, positionals: filters } = parseCli(USAGE, {
    options: { verbose: { type: 'boolean', short: 'v' } },
    allowPositionals: true,
  });
  const verbose = values.verbose === true;
  const files = findTestFiles().filter((f) => filters.length === 0 || filters.some((p) => f.includes(p)));
  if (files.length === 0) {
    console.log(`no test file matches ${filters.map((f) => JSON.stringify(f)).join(' ') || '*.test.ts'}`);
    console.log('0 passed, 1 failed');
    process.exitCode = 1;
    return;
  }
  console.log(`running ${files.length} test file(s), ${JOBS} at a time`);
  const queue = [...files];
  const results: FileResult[] = [];
  const worker = async () => {
    for (let f = queue.shift(); f !== undefined; f = queue.shift()) {
      const r = await runFile(f);
      results.push(r);
      report(r, verbose);
    }
  };
  await Promise.all(Array.from({ length: Math.min(JOBS, files.length) }, worker));

  const sum = (k: 'passed' | 'failed' | 'skipped') => results.reduce((n, r) => n + r[k], 0);
  const bad = results.filter((r) => r.failed > 0);
  if (bad.length) console.log(`\nfailed files:\n${bad.map((r) => `  ${r.file}${r.problem ? `: ${r.problem}` : ''}`).join('\n')}`);
  const skipped = sum('skipped');
  // Skips get their own line: the last line is always exactly `N passed, N failed` (what CI reads).
  if (skipped) console.log(`${skipped} skipped (see the NOTICE lines: a part that is not installed: chromium, mosquitto, promtool, ffmpeg, LibreOffice, sqld, systemd-analyze)`);
  console.log(`${sum('passed')} passed, ${sum('failed')} failed`);
  process.exitCode = sum('failed') > 0 ? 1 : 0;
}

// Ctrl-C: take the detached test processes down with us.
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    for (const c of running) killGroup(c, 'SIGKILL');
    process.exit(130);
  });
}

await main();
