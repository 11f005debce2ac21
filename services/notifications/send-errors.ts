/**
 * Why a delivery failed, as a stable code with parameters, and the English sentence stored in the
 * outbox (`notification_outbox.error`) and answered by the JSON API. People read it through the
 * message catalog (`notif.sendError.{code}`); a stored sentence is read back into its code, so
 * rows written before the codes existed are translated too (no new column).
 */

/** Codes with their English text; more specific texts first (the reader tries them in order). */
const TEXTS = {
  disabled: 'channel disabled',
  no_url: 'channel has no URL',
  smtp_unconfigured: 'SMTP: no server configured (SMTP_URL)',
  timeout: 'no answer from {host} within {seconds} s',
  refused: 'cannot connect to {host}: connection refused',
  dns: 'cannot resolve {host}',
  reset: '{host} closed the connection',
  tls: 'TLS error with {host} ({code})',
  unreachable: 'cannot reach {host}: {detail}', // `detail`: the network library's words, quoted as they came
  redirect: '{host} answered a redirect (HTTP {status}); redirects are not followed: use the final URL',
  too_large: '{host} answered more than {mib} MiB (HTTP {status})',
  http_answer: '{host} answered HTTP {status}: {answer}', // `answer`: the receiver's own words
  http: '{host} answered HTTP {status}',
  smtp: 'SMTP: {detail}', // `detail`: the mail server's or library's words
} as const;

export type SendErrorCode = keyof typeof TEXTS;
export type SendErrorParams = Record<string, string | number>;

/** The English sentence of a failure (what is stored and what the API answers). */
export function sendError(code: SendErrorCode, params: SendErrorParams = {}): string {
  return TEXTS[code].replace(/\{(\w+)\}/g, (m, name: string) => (params[name] ?? m).toString());
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const READERS = (Object.entries(TEXTS) as Array<[SendErrorCode, string]>).map(([code, text]) => {
  const names: string[] = [];
  const source = text.split(/(\{\w+\})/).map((part) => {
    const m = /^\{(\w+)\}$/.exec(part);
    if (!m) return escape(part);
    names.push(m[1]);
    return '(.+?)';
  });
  return { code, names, re: new RegExp(`^${source.join('')}$`, 's') };
});

/** A stored sentence back as its code and parameters; null when it is none of ours (shown as stored). */
export function readSendError(text: string | null): { code: SendErrorCode; params: SendErrorParams } | null {
  if (!text) return null;
  for (const r of READERS) {
    const m = r.re.exec(text);
    if (m) return { code: r.code, params: Object.fromEntries(r.names.map((n, i) => [n, m[i + 1]])) };
  }
  return null;
}
