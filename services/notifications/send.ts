/**
 * One delivery attempt of a rendered notice (docs/notifications.md "Delivery"): an HTTP POST
 * bounded by a timeout and an answer-size cap, redirects refused (a redirect loop or a move of
 * the receiver is an error to fix, not something to follow with the secret URL), or one e-mail
 * over SMTP. Errors are plain sentences that never contain the channel's URL or password.
 */
import type { Rendered } from './render.ts';
import { sendError } from './send-errors.ts';

export const SEND_TIMEOUT_MS = 10_000; // one attempt, connect to last byte of the answer
export const MAX_ANSWER_BYTES = 1024 * 1024; // a receiver's answer is read up to this and no further

export interface SendResult {
  ok: boolean;
  /** The receiver's HTTP status (SMTP: 250 when the mail host accepted it). */
  status: number | null;
  latencyMs: number;
  error: string | null;
}

export interface MailSettings {
  smtpUrl: string;
  from: string;
  to: string;
}

/** Sends one mail; isolated (nodemailer is loaded only when a mail channel sends: Node-only code never loads at start-up). */
export type MailSender = (settings: MailSettings, mail: { subject: string; text: string; html: string }, timeoutMs: number) => Promise<{ status: number }>;

/** Removes the secret parts (the URL, user info, password) from an error text. */
export function scrub(text: string, secrets: Array<string | undefined>): string {
  let out = text;
  for (const s of secrets) {
    if (!s) continue;
    out = out.split(s).join('…');
    try {
      const u = new URL(s);
      if (u.password) out = out.split(decodeURIComponent(u.password)).join('…').split(u.password).join('…');
      if (u.pathname.length > 1) out = out.split(u.pathname).join('/…');
    } catch {
      /* not a URL */
    }
  }
  return out.slice(0, 500);
}

function describeFetchError(err: unknown, timedOut: number | null, host: string): string {
  if (timedOut !== null) return sendError('timeout', { host, seconds: timedOut / 1000 });
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code ?? (err as { code?: string })?.code;
  if (code === 'ECONNREFUSED') return sendError('refused', { host });
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return sendError('dns', { host });
  if (code === 'ECONNRESET') return sendError('reset', { host });
  if (code && /CERT|SSL|TLS/.test(code)) return sendError('tls', { host, code });
  const text = cause?.message ?? (err instanceof Error ? err.message : String(err));
  return sendError('unreachable', { host, detail: text });
}

/** Reads at most MAX_ANSWER_BYTES of the answer; more is an error (the rest is not downloaded). */
async function readCapped(res: Response): Promise<string | null> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > MAX_ANSWER_BYTES) {
    await res.body?.cancel().catch(() => {});
    return null;
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  let size = 0;
  const parts: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel().catch(() => {});
      return null;
    }
    parts.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const p of parts) all.set(p, (at += p.byteLength) - p.byteLength);
  return new TextDecoder().decode(all).slice(0, 300);
}

/** POSTs one rendered notice. `key` (the outbox id) is the Idempotency-Key a receiver may dedup on. */
export async function sendHttp(url: string, r: Extract<Rendered, { kind: 'http' }>, key: string, timeoutMs = SEND_TIMEOUT_MS): Promise<SendResult> {
  const now = () => performance.now();
  const host = new URL(url).host;
  const started = now();
  const ctl = new AbortController();
  let timedOut: number | null = null;
  const timer = setTimeout(() => ((timedOut = timeoutMs), ctl.abort()), timeoutMs);
  const ms = () => Math.round(now() - started);
  // fetch refuses URLs with user info: they become Basic credentials (Alertmanager receivers often use them).
  const target = new URL(url);
  const auth: Record<string, string> = {};
  if (target.username || target.password) {
    auth.authorization = `Basic ${btoa(`${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`)}`;
    target.username = target.password = '';
  }
  try {
    const res = await fetch(target, { method: 'POST', body: r.body, headers: { ...r.headers, ...auth, 'Idempotency-Key': key, 'User-Agent': 'infoscreen-server' }, redirect: 'manual', signal: ctl.signal });
    const answer = await readCapped(res);
    if (res.status >= 300 && res.status < 400) {
      return { ok: false, status: res.status, latencyMs: ms(), error: sendError('redirect', { host, status: res.status }) };
    }
    if (answer === null) return { ok: false, status: res.status, latencyMs: ms(), error: sendError('too_large', { host, mib: MAX_ANSWER_BYTES / 1024 / 1024, status: res.status }) };
    // A receiver may echo the URL it was called with (its secret path) in its error text.
    if (!res.ok) return { ok: false, status: res.status, latencyMs: ms(), error: answer ? sendError('http_answer', { host, status: res.status, answer: scrub(answer.replace(/\s+/g, ' ').slice(0, 200), [url]) }) : sendError('http', { host, status: res.status }) };
    return { ok: true, status: res.status, latencyMs: ms(), error: null };
  } catch (err) {
    return { ok: false, status: null, latencyMs: ms(), error: scrub(describeFetchError(err, timedOut, host), [url]) };
  } finally {
    clearTimeout(timer);
  }
}

/** The production mail sender: nodemailer over SMTP_URL (loaded on first use). */
export const nodemailerSender: MailSender = async (s, mail, timeoutMs) => {
  const { createTransport } = (await import('nodemailer')).default ?? (await import('nodemailer'));
  const transport = createTransport(s.smtpUrl, { connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs } as never);
  try {
    const info = await transport.sendMail({ from: s.from, to: s.to, subject: mail.subject, text: mail.text, html: mail.html });
    const code = Number(/^(\d{3})/.exec(String(info.response ?? ''))?.[1] ?? 250);
    return { status: code };
  } finally {
    transport.close();
  }
};

/** Sends one mail and reports it like an HTTP attempt. */
export async function sendMail(sender: MailSender, s: MailSettings, r: Extract<Rendered, { kind: 'mail' }>, timeoutMs = SEND_TIMEOUT_MS): Promise<SendResult> {
  const now = () => performance.now();
  const started = now();
  try {
    const { status } = await sender(s, r, timeoutMs);
    return { ok: true, status, latencyMs: Math.round(now() - started), error: null };
  } catch (err) {
    const e = err as { message?: string; responseCode?: number; code?: string };
    const text = e.message ?? String(err);
    return { ok: false, status: e.responseCode ?? null, latencyMs: Math.round(now() - started), error: scrub(sendError('smtp', { detail: text }), [s.smtpUrl]) };
  }
}
