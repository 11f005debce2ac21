/**
 * `/settings` (docs/http.md "Dashboard pages"; every signed-in user): my language and my password
 * (same rules as `PUT /api/auth/change-password`: current password, at least 8 characters, the
 * other sessions end); for admins also the system settings (`GET/POST /api/system-settings`,
 * admin): the scheduler's known keys with their types and defaults (lib/schedule/settings.ts),
 * plus any other key stored in the key/value table (db/settings.ts) as text. Saved through the
 * same store, validated with the same schemas.
 * API tokens (docs/http.md "API tokens"): my tokens, a form to create one (its secret shown once,
 * in that answer only), revoke; the rules and the audit in services/api-tokens.ts.
 *   POST /settings/language · POST /settings/password · POST /settings/system (admin)
 *   POST /settings/tokens · POST /settings/tokens/{id}/revoke
 */
import { Hono, type Context } from 'hono';
import { listSettings, setSettingsStatements } from '../../db/settings.ts';
import { MAX_PASSWORD, MIN_PASSWORD } from '../../lib/password.ts';
import { changePassword, setLanguage } from '../../services/accounts/own-account.ts';
import { SETTINGS, SETTING_KEYS, settingValues, storedValue, type SettingKey } from '../../lib/schedule/settings.ts';
import type { AppEnv } from '../middleware/session.ts';
import { render, type RenderOptions } from './hx.ts';
import { errorPage, pageContext, pageRole, type PageDeps } from './kit.ts';
import { apiTokens } from '../../services/api-tokens.ts';
import { scopeMinRole, SCOPES, type Scope } from '../../domain/api-tokens.ts';
import { audit, auditEntry } from '../audit-record.ts';
import { pathId } from '../schedule-failure.ts';

const MAX_VALUE = 10_000; // characters of a free-text setting

export interface SettingField {
  key: string;
  type: 'number' | 'checkbox' | 'text';
  value: string | number | boolean;
  known: boolean;
}

/** The system settings as form fields: known keys typed (default when unset), others as text. */
export async function systemFields(deps: PageDeps): Promise<SettingField[]> {
  const stored = await listSettings(deps.db);
  const typed = settingValues(stored) as Record<SettingKey, unknown>;
  const known: SettingField[] = SETTING_KEYS.map((key) => {
    const d = SETTINGS[key].default;
    const type = typeof d === 'number' ? 'number' : typeof d === 'boolean' ? 'checkbox' : 'text';
    return { key, type, value: typed[key] as string | number | boolean, known: true };
  });
  const other: SettingField[] = Object.keys(stored)
    .filter((k) => !Object.hasOwn(SETTINGS, k))
    .map((key) => ({ key, type: 'text', value: stored[key] ?? '', known: false }));
  return [...known, ...other];
}

/** Form values → stored strings; the name of the first field that does not validate otherwise. */
export function parseSystemForm(fields: SettingField[], body: Record<string, unknown>): { values: Record<string, string> } | { bad: string } {
  const values: Record<string, string> = {};
  for (const f of fields) {
    const raw = body[`s.${f.key}`];
    if (!f.known) {
      if (typeof raw !== 'string') continue;
      if (raw.length > MAX_VALUE) return { bad: f.key };
      values[f.key] = raw;
      continue;
    }
    const key = f.key as SettingKey;
    const input = f.type === 'checkbox' ? raw === '1' : f.type === 'number' ? (typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN) : typeof raw === 'string' ? raw.trim() : '';
    const parsed = SETTINGS[key].schema.safeParse(input);
    if (!parsed.success) return { bad: f.key };
    values[key] = storedValue(key, parsed.data);
  }
  return { values };
}

export function settingsPages(deps: PageDeps) {
  const app = new Hono<AppEnv>();
  const user = pageRole('user', deps);
  const admin = pageRole('admin', deps);

  const tokens = apiTokens({ ...deps, maxDays: deps.config.API_TOKEN_MAX_DAYS });
  const record = (c: Context<AppEnv>) => (a: string, t: string | number | null, ch?: Record<string, unknown>) => auditEntry(c, deps, a, t, ch);

  type PageOptions = { notice?: string; error?: string; section?: string; status?: RenderOptions['status']; secret?: string };
  const page = async (c: Context<AppEnv>, o: PageOptions = {}) => {
    const it = pageContext(c, deps);
    const fields = it.can('admin') ? await systemFields(deps) : [];
    const tokenData = {
      tokens: await tokens.list(c.var.user!),
      scopes: SCOPES.filter((s) => it.can(scopeMinRole(s))),
      maxDays: deps.config.API_TOKEN_MAX_DAYS,
      secret: o.secret ?? null,
    };
    // `language` of the form: the stored choice, '' = from the browser.
    const data = { ...it, ...tokenData, title: it.t('settings.title'), fields, myLanguage: c.var.user!.language ?? '', notice: o.notice ?? null, error: o.error ?? null, section: o.section ?? null };
    if (o.secret) c.header('Cache-Control', 'no-store'); // the one answer that holds the secret
    return render(c, { page: 'settings', data, status: o.status });
  };

  app.get('/settings', user, (c) => page(c));

  app.post('/settings/language', user, async (c) => {
    const raw = (await c.req.parseBody()).language;
    if (raw !== '' && raw !== 'en' && raw !== 'de') return errorPage(c, deps, 400);
    await setLanguage(deps, c.var.user!, raw || null);
    c.var.user!.language = raw || null; // this answer already speaks the new language
    return page(c, { notice: pageContext(c, deps).t('settings.language.saved'), section: 'language' });
  });

  app.post('/settings/password', user, async (c) => {
    const t = pageContext(c, deps).t;
    const body = await c.req.parseBody();
    const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).slice(0, 1001) : '');
    const [current, next, repeat] = [str('current'), str('password'), str('repeat')];
    const fail = (error: string) => page(c, { error, section: 'password', status: 400 });
    if (next.length < MIN_PASSWORD || next.length > MAX_PASSWORD) return fail(t('settings.password.short'));
    if (next !== repeat) return fail(t('settings.password.mismatch'));
    // The same rule as the API (services/accounts/own-account.ts): the other sessions end, this one stays.
    if ((await changePassword(deps, c.var.user!, c.var.sessionId, current, next)) === 'wrong_password') return fail(t('settings.password.wrong'));
    return page(c, { notice: t('settings.password.saved'), section: 'password' });
  });

  app.post('/settings/system', admin, async (c) => {
    const t = pageContext(c, deps).t;
    const fields = await systemFields(deps);
    const result = parseSystemForm(fields, await c.req.parseBody());
    if ('bad' in result) return page(c, { error: `${result.bad}: ${t('error.400')}`, section: 'system', status: 400 });
    await deps.writer.write(...setSettingsStatements(result.values, deps.now()));
    // The form sends every field: the record keeps the ones whose value changed (defaults count as values).
    const before = Object.fromEntries(fields.map((f) => [f.key, f.known ? storedValue(f.key as SettingKey, f.value) : String(f.value)]));
    const changed = Object.keys(result.values).filter((k) => before[k] !== result.values[k]);
    if (changed.length) await audit(c, deps, 'settings.update', null, { before: Object.fromEntries(changed.map((k) => [k, before[k] ?? null])), after: Object.fromEntries(changed.map((k) => [k, result.values[k]])) });
    return page(c, { notice: t('settings.system.saved'), section: 'system' });
  });

  app.post('/settings/tokens', user, async (c) => {
    const t = pageContext(c, deps).t;
    const body = await c.req.parseBody({ all: true });
    const list = (v: unknown) => (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');
    const name = typeof body.name === 'string' ? body.name.trim().slice(0, 100) : '';
    const days = Number(typeof body.days === 'string' ? body.days : NaN);
    if (!name) return page(c, { error: t('tokens.error.name'), section: 'tokens', status: 400 });
    const r = await tokens.create(c.var.user!, { name, scopes: list(body.scopes) as Scope[], expiresInDays: days }, record(c));
    if (!r.ok) return page(c, { error: t('tokens.error.invalid', { max: deps.config.API_TOKEN_MAX_DAYS }), section: 'tokens', status: 400 });
    return page(c, { notice: t('tokens.created'), section: 'tokens', secret: r.value.token });
  });

  app.post('/settings/tokens/:id/revoke', user, async (c) => {
    const r = await tokens.revoke(c.var.user!, pathId(c.req.param('id')) ?? -1, record(c));
    if (!r.ok) return errorPage(c, deps, 404);
    return page(c, { notice: pageContext(c, deps).t('tokens.revoked', { name: r.value.name }), section: 'tokens' });
  });

  return app;
}
