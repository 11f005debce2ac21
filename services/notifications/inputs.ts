/**
 * Validation of channel, rule and mute input (docs/notifications.md "Settings"), shared by the
 * JSON API and the settings page: zod schemas, and the masked target a channel shows instead of
 * its secret URL.
 */
import { z } from 'zod';
import { ALERT_KINDS, CHANNEL_TYPES, type ChannelType } from '../../domain/notifications.ts';
import { validQuietHours } from './windows.ts';

const httpUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be an http or https URL');

const EMAIL = /^[^\s@<>,;]+@[^\s@<>,;]+\.[^\s@<>,;]+$/;
const recipients = z
  .string()
  .trim()
  .max(1000)
  .refine((v) => v.split(',').every((a) => EMAIL.test(a.trim())), 'must be e-mail addresses, comma-separated');

const smtpUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((v) => /^smtps?:\/\/[^/]+/.test(v), 'must be smtp:// or smtps://');

export const channelInput = z
  .object({
    name: z.string().trim().min(1).max(100),
    type: z.enum(CHANNEL_TYPES),
    url: httpUrl.optional(),
    to: recipients.optional(),
    smtpUrl: smtpUrl.optional(),
    language: z.enum(['en', 'de']).default('en'),
    rateCap: z.number().int().min(1).max(1000).default(20),
  })
  .superRefine((v, ctx) => {
    if (v.type === 'email' && !v.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'required for e-mail channels' });
    if (v.type !== 'email' && !v.url) ctx.addIssue({ code: 'custom', path: ['url'], message: 'required' });
  });
export type ChannelInput = z.infer<typeof channelInput>;

export const quietHoursInput = z
  .object({ start: z.string(), end: z.string(), timeZone: z.string().default('Europe/Vienna') })
  .refine(validQuietHours, 'start and end as HH:MM (different), timeZone an IANA zone');

export const ruleInput = z.object({
  channelId: z.number().int().positive(),
  kinds: z.array(z.enum(ALERT_KINDS)).max(ALERT_KINDS.length).nullable().default(null),
  minSeverity: z.enum(['info', 'warning', 'critical']).default('warning'),
  groupIds: z.array(z.number().int().positive()).max(1000).nullable().default(null),
  delaySeconds: z.number().int().min(0).max(7 * 86_400).nullable().default(null),
  notifyResolved: z.boolean().default(true),
  repeatSeconds: z.number().int().min(60).max(30 * 86_400).nullable().default(null),
  respectSchedule: z.boolean().default(true),
  quietHours: quietHoursInput.nullable().default(null),
});
export type RuleInput = z.infer<typeof ruleInput>;

export const muteInput = z.object({
  targetType: z.enum(['group', 'client']),
  targetId: z.string().trim().min(1).max(64),
  until: z.string().refine((v) => Number.isFinite(Date.parse(v)), 'must be a date-time'),
  reason: z.string().trim().max(500).optional(),
});
export type MuteInput = z.infer<typeof muteInput>;

/** What a channel shows instead of its secret: the URL's scheme and host (no credentials, path or token), or the recipients. */
export function maskedTarget(type: ChannelType, v: { url?: string; to?: string }): string {
  if (type === 'email') return v.to ?? '';
  try {
    const u = new URL(v.url!);
    return `${u.protocol}//${u.host}${u.pathname.length > 1 || u.search ? '/…' : ''}`;
  } catch {
    return '';
  }
}
