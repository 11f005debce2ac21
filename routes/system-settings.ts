/**
 * `/api/system-settings` (docs/http.md: admin, key/value; docs/scheduler.md "The contract in short": the defaults of event
 * types). GET answers every known key with its typed value (the default when unset); POST takes
 * some keys (`null` resets one to its default), refuses unknown keys and values of the wrong type
 * (400 naming them; numbers and booleans may come as strings, the original's shape), and republishes
 * every group (a webuntis event may follow supplement_table_url).
 * The write is the schedule edits' `saveSettings` (services/schedule/edits.ts).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { listSettings } from '../db/settings.ts';
import { scheduleEdits } from '../services/schedule/edits.ts';
import { SETTINGS, SETTING_KEYS, settingValues, type SettingKey } from '../lib/schedule/settings.ts';
import { requireRole } from './middleware/roles.ts';
import type { AppEnv } from './middleware/session.ts';
import { validate } from './validate.ts';
import type { RouteDeps } from './deps.ts';
import { audit } from './audit-record.ts';
import { apiDoc } from './openapi/describe.ts';

const doc = apiDoc('Settings');

/**
 * The original system sent every value as a string ("30", "true", "0.8"): a string that reads as
 * the key's type is taken as that value; anything else still answers 400 naming the key.
 */
const seedShaped = (key: SettingKey) =>
  z.preprocess((v) => {
    if (typeof v !== 'string' || key === 'supplement_table_url') return v;
    const t = v.trim();
    if (typeof SETTINGS[key].default === 'boolean') return t === 'true' ? true : t === 'false' ? false : v;
    return t !== '' && Number.isFinite(Number(t)) ? Number(t) : v;
  }, SETTINGS[key].schema);

const body = z.strictObject(
  Object.fromEntries(SETTING_KEYS.map((k) => [k, seedShaped(k).nullable().optional()])) as unknown as {
    [K in SettingKey]: z.ZodOptional<z.ZodNullable<z.ZodType<z.output<(typeof SETTINGS)[K]['schema']>>>>;
  },
);

export function systemSettingsRoutes(deps: RouteDeps) {
  const { db } = deps;
  const app = new Hono<AppEnv>();
  app.use('*', requireRole('admin'));
  const edits = scheduleEdits(deps);

  app.get('/', doc('The system settings (event defaults, …)', 'The settings'), async (c) => c.json(settingValues(await listSettings(db))));

  app.post('/', doc('Change system settings', 'The settings'), validate('json', body), async (c) => {
    const change = c.req.valid('json') as Partial<Record<SettingKey, unknown>>;
    const old = settingValues(await listSettings(db)) as Record<string, unknown>;
    const after = await edits.saveSettings(change);
    const keys = Object.keys(change);
    const pick = (o: Record<string, unknown>) => Object.fromEntries(keys.map((k) => [k, o[k]]));
    await audit(c, deps, 'settings.update', null, { before: pick(old), after: pick(after as Record<string, unknown>) });
    return c.json(after);
  });

  return app;
}
