/**
 * Runs an external tool (ffprobe, LibreOffice) with a timeout that kills it and its children
 * (docs/media.md "Presentation conversion"): the one place that spawns processes. Node's
 * child_process (Deno 2 provides it too).
 */
import { spawn } from 'node:child_process';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** The tool could not be started at all (not installed). */
  missing: boolean;
}

const MAX_OUTPUT = 256 * 1024; // a chatty tool must not fill memory

export function run(cmd: string, args: string[], opts: { timeoutMs: number; env?: Record<string, string> }): Promise<RunResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    // detached: its own process group, so the kill reaches what the tool started (soffice.bin).
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, ...opts.env } });
    const kill = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, opts.timeoutMs);
    child.stdout.on('data', (d: Buffer) => void (stdout.length < MAX_OUTPUT && (stdout += d.toString())));
    child.stderr.on('data', (d: Buffer) => void (stderr.length < MAX_OUTPUT && (stderr += d.toString())));
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: stderr || err.message, timedOut, missing: err.code === 'ENOENT' });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) kill(); // children that outlived the leader
      resolve({ code, stdout, stderr, timedOut, missing: false });
    });
  });
}
