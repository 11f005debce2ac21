/**
 * System settings of the scheduler (docs/scheduler.md "The contract in short": defaults in the settings table) with
 * their defaults and value types. The table stores strings; this module types them.
 */
import { z } from 'zod';

/** Every known key, its schema (what the API accepts) and its default. */
export const SETTINGS = {
  presentation_interval: { schema: z.number().int().min(1).max(86_400), default: 10 }, // seconds per slide
  presentation_page_progress: { schema: z.boolean(), default: true },
  presentation_auto_progress: { schema: z.boolean(), default: true },
  video_autoplay: { schema: z.boolean(), default: true },
  video_loop: { schema: z.boolean(), default: true },
  video_volume: { schema: z.number().min(0).max(1), default: 0.8 },
  video_muted: { schema: z.boolean(), default: false },
  supplement_table_url: { schema: z.url({ protocol: /^https?$/ }).max(2000).or(z.literal('')), default: '' },
} as const;

export type SettingKey = keyof typeof SETTINGS;
export type SettingValues = { [K in SettingKey]: z.output<(typeof SETTINGS)[K]['schema']> };

export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

export function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(SETTINGS, key);
}

/** Stored strings (db/settings.ts listSettings) → typed values, defaults for missing or unreadable ones. */
export function settingValues(stored: Record<string, string | null>): SettingValues {
  const out = {} as Record<SettingKey, unknown>;
  for (const key of SETTING_KEYS) {
    const raw = stored[key];
    let value: unknown = SETTINGS[key].default;
    if (raw !== undefined && raw !== null) {
      try {
        const parsed = SETTINGS[key].schema.safeParse(key === 'supplement_table_url' ? raw : JSON.parse(raw));
        if (parsed.success) value = parsed.data;
      } catch {
        /* unreadable: default */
      }
    }
    out[key] = value;
  }
  return out as SettingValues;
}

/** A typed value → the stored string. */
export function storedValue(key: SettingKey, value: unknown): string {
  return key === 'supplement_table_url' ? String(value) : JSON.stringify(value);
}
