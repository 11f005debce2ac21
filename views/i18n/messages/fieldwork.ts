/**
 * Messages of the fieldwork part of the dashboard, merged into the one catalog by ../en.ts and
 * ../de.ts (split by feature only so that features can grow without editing one huge file):
 * the search-first home for phones, the printable label with its QR code, the activity chart
 * and the monitoring export.
 */
export const en = {
  'nav.search': 'Search',
  'search.title': 'Find a screen',
  'search.field': 'Name, room, UUID or IP address',
  'search.submit': 'Find',
  'search.hint': 'Type part of a name, room, UUID or IP address.',
  'search.attention': 'Needs attention now',
  'search.allGood': 'Every screen is healthy.',
  'search.none': 'No screen matches “{q}”.',
  'search.count': '{count} found',
  'search.more': 'Showing the first {shown} of {count}: type more to narrow it down.',
  'search.label': 'Print label',

  'label.title': 'Label for {name}',
  'label.room': 'Room / description',
  'label.scan': 'Scan to open this screen in the dashboard',
  'label.print': 'Print this label',
  'label.printHint': 'Or use your browser’s print command.',
  'label.back': 'Back to the screen',
  'label.qr': 'QR code linking to {url}',

  'metrics.title': 'Activity in the last hour',
  'metrics.messages': 'Messages per minute',
  'metrics.commands': 'Commands per minute',
  'metrics.errors': 'Errors per minute',
  'metrics.line': '{now} this minute · peak {peak} · {total} in the hour',
  'metrics.from': '60 min ago',
  'metrics.to': 'now',
  'metrics.summary': '{kind}: {total} in the last hour, at most {peak} in one minute',
  'metrics.errorsHint': 'Errors: ERROR logs from screens, rejected MQTT input and failed commands.',

  'overview.group.capped': 'The {shown} screens that need attention most, of {count}: search or filter to find the others.',

  'export.title': 'Export this overview',
  'export.csv': 'Download CSV',
  'export.json': 'Download JSON',
} as const;

export const de: Record<keyof typeof en, string> = {
  'nav.search': 'Suche',
  'search.title': 'Bildschirm finden',
  'search.field': 'Name, Raum, UUID oder IP-Adresse',
  'search.submit': 'Finden',
  'search.hint': 'Einen Teil von Name, Raum, UUID oder IP-Adresse eingeben.',
  'search.attention': 'Braucht jetzt Aufmerksamkeit',
  'search.allGood': 'Alle Bildschirme sind in Ordnung.',
  'search.none': 'Kein Bildschirm passt zu „{q}“.',
  'search.count': '{count} gefunden',
  'search.more': 'Die ersten {shown} von {count}: weiter tippen, um einzugrenzen.',
  'search.label': 'Etikett drucken',

  'label.title': 'Etikett für {name}',
  'label.room': 'Raum / Beschreibung',
  'label.scan': 'Scannen öffnet diesen Bildschirm im Dashboard',
  'label.print': 'Etikett drucken',
  'label.printHint': 'Oder den Druckbefehl des Browsers verwenden.',
  'label.back': 'Zurück zum Bildschirm',
  'label.qr': 'QR-Code mit Link auf {url}',

  'metrics.title': 'Aktivität der letzten Stunde',
  'metrics.messages': 'Nachrichten pro Minute',
  'metrics.commands': 'Befehle pro Minute',
  'metrics.errors': 'Fehler pro Minute',
  'metrics.line': '{now} in dieser Minute · Spitze {peak} · {total} in der Stunde',
  'metrics.from': 'vor 60 Min.',
  'metrics.to': 'jetzt',
  'metrics.summary': '{kind}: {total} in der letzten Stunde, höchstens {peak} in einer Minute',
  'metrics.errorsHint': 'Fehler: ERROR-Logs der Bildschirme, abgewiesene MQTT-Nachrichten und fehlgeschlagene Befehle.',

  'overview.group.capped': 'Die {shown} Bildschirme, die am meisten Aufmerksamkeit brauchen, von {count}: suchen oder filtern, um die anderen zu finden.',

  'export.title': 'Diese Übersicht exportieren',
  'export.csv': 'CSV herunterladen',
  'export.json': 'JSON herunterladen',
};
