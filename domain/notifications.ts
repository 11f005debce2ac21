/** The notification domain's shared types: channels, rules, alerts as rules see them, notices (docs/notifications.md). */

export const CHANNEL_TYPES = ['webhook', 'slack', 'mattermost', 'discord', 'teams', 'ntfy', 'email'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

export type Severity = 'info' | 'warning' | 'critical';
export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/** What a rule can select (docs/notifications.md "Alert kinds"). */
export const ALERT_KINDS = [
  'client-offline',
  'flapping',
  'outage',
  'service-failed',
  'client-logs',
  'recovery-escalated',
  'command-manual',
  'command-failed',
  'fleet-commands',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Kinds that are about a screen being dark: the schedule and power intent decide whether that is news. */
export const SCREEN_KINDS: ReadonlySet<AlertKind> = new Set(['client-offline', 'flapping']);

/** A rule's delay when it sets none (seconds): a screen offline waits 10 min, everything else none. */
export function defaultDelaySeconds(kind: AlertKind): number {
  return kind === 'client-offline' ? 600 : 0;
}

export interface Channel {
  id: number;
  name: string;
  type: ChannelType;
  /** Shown instead of the secret: the URL's origin, or the mail recipients. */
  target: string;
  language: 'en' | 'de';
  rateCap: number; // messages per RATE_WINDOW_MS
  enabled: boolean;
  createdAt: number;
}

/** What only delivery sees. */
export interface ChannelSecret {
  url?: string;
  to?: string;
  smtpUrl?: string;
}

export interface QuietHours {
  start: string; // HH:MM local
  end: string; // HH:MM local
  timeZone: string; // IANA
}

export interface Rule {
  id: number;
  channelId: number;
  kinds: AlertKind[] | null; // null = every kind
  minSeverity: Severity;
  groupIds: number[] | null; // null = every group
  delaySeconds: number | null; // null = defaultDelaySeconds(kind)
  notifyResolved: boolean;
  repeatSeconds: number | null;
  respectSchedule: boolean;
  quietHours: QuietHours | null;
  createdAt: number;
}

/**
 * One alert as the sources report it. `firing` opens (or refreshes) it, `resolved` closes it, an
 * `event` (a failed command) is news once and never resolves.
 */
export interface Signal {
  kind: AlertKind;
  status: 'firing' | 'resolved' | 'event';
  /** kind|subject: the same alert's firing and resolved share it. */
  fingerprint: string;
  severity: Severity;
  uuid?: string;
  groupId?: number | null;
  /** English one-liner; the message catalog renders the channel's language from kind + params. */
  summary: string;
  params: Record<string, string>;
  at: number;
}

/** One alert inside a notice. */
export interface NoticeAlert {
  kind: AlertKind;
  status: 'firing' | 'resolved';
  fingerprint: string;
  severity: Severity;
  uuid?: string;
  groupId?: number | null;
  summary: string;
  params: Record<string, string>;
  startsAt: number;
  endsAt: number | null;
}

/** What goes into the outbox: channel-neutral, rendered per channel type when it is sent. */
export interface Notice {
  kind: 'firing' | 'resolved' | 'flapping' | 'digest' | 'test';
  alerts: NoticeAlert[];
  /** Digests: why they were held, and how many alerts opened and closed again meanwhile. */
  digest?: { reason: 'quiet-hours' | 'rate-cap' | 'stable'; resolved: number };
  at: number;
}
