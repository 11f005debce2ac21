/**
 * Maintenance windows shown where they apply (docs/notifications.md "Mutes"): on the muted
 * group's card (`/groups`) and on the muted screen's page, "Notifications muted until … by …".
 * The screen's page also names a mute of its group, which silences it just the same.
 */
import type { Mute } from '../../db/notifications.ts';
import type { NotificationService } from '../../services/notifications/service.ts';
import type { I18n } from '../../views/i18n/index.ts';

export interface MuteNotice {
  text: string;
  reason: string | null;
}

/** `user:alice` → `alice` (as the settings page shows it). */
const who = (m: Mute) => m.createdBy.split(':').pop() ?? m.createdBy;

/** Running mutes of a group (by id), in the reader's language. */
export function groupMuteNotices(n: NotificationService | undefined, it: I18n, groupId: number): MuteNotice[] {
  return (n?.mutes() ?? [])
    .filter((m) => m.targetType === 'group' && m.targetId === String(groupId))
    .map((m) => ({ text: it.t('notif.muted.banner', { until: it.dateTime(m.until), by: who(m) }), reason: m.reason }));
}

/** Running mutes of a screen: its own, then its group's (named). */
export function clientMuteNotices(n: NotificationService | undefined, it: I18n, uuid: string, group: { id: number; name: string } | null): MuteNotice[] {
  const mutes = n?.mutes() ?? [];
  const own = mutes
    .filter((m) => m.targetType === 'client' && m.targetId.toLowerCase() === uuid.toLowerCase())
    .map((m) => ({ text: it.t('notif.muted.banner', { until: it.dateTime(m.until), by: who(m) }), reason: m.reason }));
  const viaGroup = group
    ? mutes
        .filter((m) => m.targetType === 'group' && m.targetId === String(group.id))
        .map((m) => ({ text: it.t('notif.muted.group', { group: group.name, until: it.dateTime(m.until), by: who(m) }), reason: m.reason }))
    : [];
  return [...own, ...viaGroup];
}
