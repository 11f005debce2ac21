/**
 * Messages of the admin part of the dashboard, merged into the one catalog by ../en.ts and
 * ../de.ts (split by feature only so that features can grow without editing one huge file).
 */
export const en = {} as const;

export const de: Record<keyof typeof en, string> = {};
