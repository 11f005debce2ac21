/** German message catalog (same keys as en.ts; tsc fails when one is missing). */
import type { MessageKey } from './en.ts';
import * as commands from './messages/commands.ts';
import * as admin from './messages/admin.ts';
import * as scheduler from './messages/scheduler.ts';
import * as inspector from './messages/inspector.ts';
import * as fieldwork from './messages/fieldwork.ts';
import * as users from './messages/users.ts';
import * as bulk from './messages/bulk.ts';
import * as notifications from './messages/notifications.ts';
import * as reports from './messages/reports.ts';
import * as periods from './messages/periods.ts';
import * as standby from './messages/standby.ts';
import * as media from './messages/media.ts';
import * as scheduleIssues from './messages/schedule-issues.ts';
import * as tokens from './messages/tokens.ts';
import * as apiDocs from './messages/api-docs.ts';

type FeatureKey =
  | keyof typeof commands.en
  | keyof typeof admin.en
  | keyof typeof scheduler.en
  | keyof typeof inspector.en
  | keyof typeof fieldwork.en
  | keyof typeof users.en
  | keyof typeof bulk.en
  | keyof typeof notifications.en
  | keyof typeof reports.en
  | keyof typeof periods.en
  | keyof typeof standby.en
  | keyof typeof media.en
  | keyof typeof scheduleIssues.en
  | keyof typeof tokens.en
  | keyof typeof apiDocs.en;

const core: Record<Exclude<MessageKey, FeatureKey>, string> = {
  'app.title': 'Infoscreens',
  'nav.overview': 'Übersicht',
  'nav.monitoring': 'Überwachung',
  'nav.menu': 'Menü',
  'nav.more': 'Mehr',
  'nav.skip': 'Zum Inhalt springen',
  'user.menu': 'Konto',
  'user.role': 'Rolle: {role}',
  'user.logout': 'Abmelden',
  'lang.label': 'Sprache',
  'lang.en': 'English',
  'lang.de': 'Deutsch',
  'lang.save': 'Ändern',

  'conn.connecting': 'Verbinde …',
  'conn.live': 'Live',
  'conn.reconnecting': 'Verbindung wird wiederhergestellt …',
  'conn.offline': 'Keine Verbindung',
  'toast.close': 'Schließen',

  'login.title': 'Anmelden',
  'login.username': 'Benutzername',
  'login.password': 'Passwort',
  'login.submit': 'Anmelden',
  'login.failed': 'Benutzername oder Passwort ist falsch.',
  'login.locked': 'Zu viele fehlgeschlagene Anmeldungen. Bitte in {minutes} Min. erneut versuchen.',
  'login.throttled': 'Zu viele Anmeldeversuche von diesem Gerät. Bitte in {seconds} s erneut versuchen.',
  'login.inactive': 'Dieses Konto ist deaktiviert.',
  'login.missing': 'Bitte Benutzername und Passwort eingeben.',
  'logout.title': 'Abmelden',
  'logout.confirm': 'Vom Dashboard abmelden?',

  'status.healthy': 'In Ordnung',
  'status.warning': 'Warnung',
  'status.critical': 'Kritisch',
  'status.offline': 'Offline',
  'reason.heartbeat_stale': 'Kein Lebenszeichen',
  'reason.process_crashed': 'Player abgestürzt',
  'reason.service_failed': 'Dienst ausgefallen',
  'reason.screen_black': 'Schwarzer Bildschirm',
  'reason.screen_frozen': 'Bild eingefroren',
  'reason.manual_intervention_required': 'Jemand muss vor Ort nachsehen',
  'reason.connectivity_unknown': 'Noch keine Meldung',
  'reason.process_starting': 'Player startet',
  'reason.process_stopped': 'Player gestoppt',
  'reason.recent_errors': 'Fehler in der letzten Stunde',
  'reason.recent_warnings': 'Viele Warnungen in der letzten Stunde',
  'reason.mqtt_reconnects': 'Instabile Verbindung',
  'reason.event_mismatch': 'Zeigt falschen Inhalt',

  'counts.total': 'Bildschirme',
  'counts.online': 'Online',
  'counts.offline': 'Offline',
  'counts.warning': 'Warnungen',
  'counts.critical': 'Kritisch',
  'counts.healthy': 'In Ordnung',

  'overview.title': 'Übersicht',
  'overview.search': 'Name, Raum, UUID, IP',
  'overview.search.button': 'Suchen',
  'overview.filter': 'Anzeigen',
  'overview.filter.all': 'Alle',
  'overview.filter.online': 'Online',
  'overview.filter.offline': 'Offline',
  'overview.filter.warnings': 'Warnungen',
  'overview.unassigned': 'Ohne Gruppe',
  'overview.group.health': '{online} von {total} online',
  'overview.group.more': 'Alle {count} Bildschirme dieser Gruppe anzeigen',
  'overview.group.only': 'Gruppe: {name}',
  'overview.group.clear': 'Alle Gruppen',
  'overview.none': 'Kein Bildschirm gefunden.',
  'overview.empty': 'Noch hat sich kein Bildschirm gemeldet. Sobald ein Client startet, erscheint er hier.',
  'overview.lastSeen': 'Zuletzt gesehen',
  'overview.actions.later': 'Offline-Bildschirme neu starten',

  'monitoring.title': 'Überwachung',
  'monitoring.outage': 'Ausfall von Broker oder Netzwerk vermutet: Die meisten Bildschirme sind gleichzeitig verstummt.',
  'monitoring.crashed.title': 'Abgestürzt oder nicht erreichbar',
  'monitoring.crashed.none': 'Alle Bildschirme laufen und sind erreichbar.',
  'monitoring.crash.process_crashed': 'Player abgestürzt',
  'monitoring.crash.heartbeat_stale': 'Kein Lebenszeichen',
  'monitoring.service.title': 'Ausgefallene Dienste',
  'monitoring.service.none': 'Keine ausgefallenen Dienste.',
  'monitoring.service.unit': 'Dienst',
  'monitoring.service.since': 'Ausgefallen am',
  'monitoring.service.ack': 'Bestätigen',
  'monitoring.service.acked': 'Bestätigt.',
  'monitoring.table.title': 'Alle Bildschirme',
  'monitoring.table.name': 'Bildschirm',
  'monitoring.table.status': 'Status',
  'monitoring.table.reasons': 'Gründe',
  'monitoring.table.process': 'Player',
  'monitoring.table.screen': 'Anzeige',
  'monitoring.table.lastSeen': 'Zuletzt gesehen',
  'monitoring.errors.title': 'Letzte Fehler',
  'monitoring.errors.none': 'Keine Fehler protokolliert.',
  'monitoring.page': 'Seite {page} von {pages}',
  'monitoring.prev': 'Zurück',
  'monitoring.next': 'Weiter',

  'client.title': 'Bildschirm',
  'client.notFound': 'Diesen Bildschirm gibt es nicht (mehr).',
  'client.removed': 'Dieser Bildschirm wurde entfernt.',
  'client.shouldPlay': 'Sollte zeigen',
  'client.isPlaying': 'Zeigt gerade',
  'client.nothing': 'nichts',
  'client.event.unknown': 'Termin {id} (nicht im Plan)',
  'client.lastReported': 'zuletzt gemeldet',
  'client.lastReported.help': 'Der Bildschirm meldet sich gerade nicht: das hat er zuletzt gemeldet.',
  'client.lastSeen': 'Zuletzt gesehen',
  'client.never': 'nie',
  'client.status': 'Status',
  'client.connectivity': 'Verbindung',
  'client.connectivity.online': 'online',
  'client.connectivity.offline': 'offline',
  'client.connectivity.unknown': 'unbekannt',
  'client.process': 'Player',
  'client.processStatus': 'Player-Zustand',
  'client.pid': 'PID',
  'client.screen': 'Anzeige',
  'client.screen.OK': 'in Ordnung',
  'client.screen.BLACK': 'schwarz',
  'client.screen.FROZEN': 'eingefroren',
  'client.screen.UNKNOWN': 'unbekannt',
  'client.service': 'Dienst',
  'client.service.ok': 'in Ordnung',
  'client.service.failed': 'ausgefallen ({unit})',
  'client.mqtt': 'MQTT-Neuverbindungen',
  'client.mqttLastDisconnect': 'Letzte Unterbrechung',
  'client.recovery': 'Wiederherstellung',
  'client.details': 'Details',
  'client.uuid': 'UUID',
  'client.hostname': 'Hostname',
  'client.ip': 'IP-Adresse',
  'client.version': 'Software',
  'client.group': 'Gruppe',
  'client.group.none': 'Ohne Gruppe',
  'client.group.save': 'Zuweisen',
  'client.group.saved': 'Gruppe gespeichert.',
  'client.screenshots': 'Bildschirmfotos',
  'client.screenshot.latest': 'Aktuell',
  'client.screenshot.priority': 'Termin-Start/-Ende',
  'client.screenshot.none': 'Noch kein Bildschirmfoto.',
  'client.screenshot.alt': 'Bildschirmfoto von {name}',
  'client.actions': 'Aktionen',
  'client.actions.later': 'Neustart, Reboot und Herunterfahren erscheinen hier, sobald Fernbefehle aktiviert sind.',
  'client.logs': 'Protokoll',
  'client.logs.level': 'Stufe',
  'client.logs.all': 'Alle Stufen',
  'client.logs.filter': 'Filtern',
  'client.logs.none': 'Keine Protokolleinträge.',
  'client.logs.older': 'Ältere Einträge',
  'client.logs.newest': 'Neueste Einträge',
  'client.logs.time': 'Zeit',
  'client.logs.message': 'Meldung',

  'process.unknown': 'unbekannt',
  'process.starting': 'startet',
  'process.running': 'läuft',
  'process.crashed': 'abgestürzt',
  'process.stopped': 'gestoppt',
  'recovery.idle': 'keine',
  'recovery.restarting_app': 'Player-Neustart läuft',
  'recovery.rebooting': 'Neustart läuft',
  'recovery.waiting_manual': 'wartet auf Hilfe vor Ort',

  'alert.client-offline': '{name} ist offline',
  'alert.client-online': '{name} ist wieder online',
  'alert.service-failed': '{name}: Ein Dienst ist ausgefallen',
  'alert.outage-suspected': 'Ausfall von Broker oder Netzwerk vermutet',
  'alert.outage-resolved': 'Die Bildschirme melden sich wieder',

  'time.justNow': 'gerade eben',
  'error.title': 'Fehler',
  'error.403': 'Sie haben keine Berechtigung für diese Seite.',
  'error.404': 'Seite nicht gefunden.',
  'error.400': 'Die Anfrage war ungültig.',
  'error.500': 'Auf dem Server ist ein Fehler aufgetreten.',
  'error.503': 'Die Datenbank kann gerade keine Änderungen speichern, daher wurde nichts gespeichert. Bitte versuchen Sie es gleich noch einmal.',
  'error.back': 'Zurück zur Übersicht',
};

export const de: Record<MessageKey, string> = {
  ...core,
  ...commands.de,
  ...admin.de,
  ...scheduler.de,
  ...inspector.de,
  ...fieldwork.de,
  ...users.de,
  ...bulk.de,
  ...notifications.de,
  ...reports.de,
  ...periods.de,
  ...standby.de,
  ...media.de,
  ...scheduleIssues.de,
  ...tokens.de,
  ...apiDocs.de,
};
