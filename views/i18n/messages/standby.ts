/** Messages of a standby server (docs/high-availability.md), merged into the one catalog by ../en.ts and ../de.ts. */
export const en = {
  'standby.page': 'This server is the standby of {host}: it takes over when that server is gone. Please use the active server.',
};

export const de = {
  'standby.page': 'Dieser Server ist der Bereitschaftsserver von {host}: Er übernimmt, wenn jener ausfällt. Bitte den aktiven Server verwenden.',
};
