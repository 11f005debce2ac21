/**
 * Dashboard i18n: the language comes from the user's setting (`users.language`), else the
 * browser's `Accept-Language`, else English. `t(key, params)` fills `{name}` placeholders; the
 * result is plain text and is escaped by the template like any other value.
 */
import { en, type MessageKey } from './en.ts';
import { de } from './de.ts';

export type { MessageKey };
export const LANGS = ['en', 'de'] as const;
export type Lang = (typeof LANGS)[number];

const catalogs: Record<Lang, Record<MessageKey, string>> = { en, de };

export const isLang = (v: unknown): v is Lang => typeof v === 'string' && (LANGS as readonly string[]).includes(v);

/** `de-AT,de;q=0.9,en;q=0.8` → the supported language with the highest q (primary subtag only). */
export function fromAcceptLanguage(header: string | undefined | null): Lang | null {
  if (!header) return null;
  const ranked = header
    .split(',')
    .map((part, i) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean);
      return { lang: tag.trim().toLowerCase().split('-')[0], q: q ? Number(q[1]) : 1, i };
    })
    .filter((x) => x.q > 0 && isLang(x.lang))
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return ranked.length ? (ranked[0].lang as Lang) : null;
}

export function pickLanguage(userLanguage: string | null | undefined, acceptLanguage: string | undefined | null): Lang {
  if (isLang(userLanguage)) return userLanguage;
  return fromAcceptLanguage(acceptLanguage) ?? 'en';
}

export type Params = Record<string, string | number | null | undefined>;
export type T = (key: MessageKey, params?: Params) => string;

export function translator(lang: Lang): T {
  const catalog = catalogs[lang];
  return (key, params) => {
    const text = catalog[key] ?? en[key] ?? key;
    return params ? text.replace(/\{(\w+)\}/g, (m, name: string) => (params[name] ?? m).toString()) : text;
  };
}

/** The keys of translatable codes (status reasons, …): unknown codes show as they are. */
export function tCode(t: T, prefix: string, code: string, params?: Params): string {
  const key = `${prefix}.${code}` as MessageKey;
  return key in en ? t(key, params) : code;
}

/** What every template receives to speak the user's language. */
export interface I18n {
  lang: Lang;
  t: T;
  code: (prefix: string, code: string, params?: Params) => string;
  /** "3 min ago" relative to `now` (the browser keeps it fresh, views/static/app.js). */
  ago: (ms: number | null | undefined) => string;
  /** Date and time in the server's time zone (the browser re-renders it in its own). */
  dateTime: (ms: number | null | undefined) => string;
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

// Built once per language: creating Intl formatters costs more than rendering a row, and live
// fragments build a view context per fragment (bench:dashboard).
const formatters = new Map<Lang, { t: T; rtf: Intl.RelativeTimeFormat; dtf: Intl.DateTimeFormat }>();
function formattersFor(lang: Lang) {
  let f = formatters.get(lang);
  if (!f) {
    f = {
      t: translator(lang),
      rtf: new Intl.RelativeTimeFormat(lang, { numeric: 'auto', style: 'short' }),
      dtf: new Intl.DateTimeFormat(lang === 'de' ? 'de-AT' : 'en-GB', { dateStyle: 'short', timeStyle: 'medium' }),
    };
    formatters.set(lang, f);
  }
  return f;
}

export function i18n(lang: Lang, now: number): I18n {
  const { t, rtf, dtf } = formattersFor(lang);
  return {
    lang,
    t,
    code: (prefix, code, params) => tCode(t, prefix, code, params),
    ago: (ms) => {
      if (ms === null || ms === undefined) return t('client.never');
      const diff = ms - now;
      if (Math.abs(diff) < 5000) return t('time.justNow');
      const [unit, size] = UNITS.find(([, s]) => Math.abs(diff) >= s) ?? UNITS[3];
      return rtf.format(Math.trunc(diff / size), unit);
    },
    dateTime: (ms) => (ms === null || ms === undefined ? '–' : dtf.format(ms)),
  };
}
