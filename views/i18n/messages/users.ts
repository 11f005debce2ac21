/**
 * Messages of the users page's statistics, audit fields and unlock (docs/users.md), merged into
 * the one catalog by ../en.ts and ../de.ts.
 */
export const en = {
  'users.stats.total': 'Users',
  'users.stats.active': 'Active',
  'users.stats.inactive': 'Deactivated',
  'users.stats.locked': 'Locked',
  'users.stats.recentLogins': 'Signed in (7 days)',
  'users.stats.byRole': 'By role',
  'users.failedLogins': 'Failed sign-ins',
  'users.lastFailed': 'last {when}',
  'users.deactivatedBy': 'Deactivated {when} by {user}',
  'users.deactivatedAt': 'Deactivated {when}',
  'users.unlock': 'Unlock',
  'users.unlocked': 'User {username} unlocked.',
} as const;

export const de: Record<keyof typeof en, string> = {
  'users.stats.total': 'Benutzer',
  'users.stats.active': 'Aktiv',
  'users.stats.inactive': 'Deaktiviert',
  'users.stats.locked': 'Gesperrt',
  'users.stats.recentLogins': 'Angemeldet (7 Tage)',
  'users.stats.byRole': 'Nach Rolle',
  'users.failedLogins': 'Fehlgeschlagene Anmeldungen',
  'users.lastFailed': 'zuletzt {when}',
  'users.deactivatedBy': 'Deaktiviert {when} von {user}',
  'users.deactivatedAt': 'Deaktiviert {when}',
  'users.unlock': 'Entsperren',
  'users.unlocked': 'Benutzer {username} entsperrt.',
};
