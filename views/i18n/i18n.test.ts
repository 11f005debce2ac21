import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { en } from './en.ts';
import { de } from './de.ts';
import { fromAcceptLanguage, i18n, pickLanguage, translator } from './index.ts';

test('language: user setting, else the best supported Accept-Language, else English', () => {
  assert.is(pickLanguage('de', 'en-US,en;q=0.9'), 'de');
  assert.is(pickLanguage(null, 'de-AT,de;q=0.9,en;q=0.8'), 'de');
  assert.is(pickLanguage(null, 'fr-FR,fr;q=0.9,en;q=0.5,de;q=0.7'), 'de');
  assert.is(pickLanguage('xx', 'fr'), 'en');
  assert.is(pickLanguage(undefined, undefined), 'en');
  assert.is(fromAcceptLanguage('de;q=0, en'), 'en');
  assert.is(fromAcceptLanguage('*'), null);
});

test('t fills placeholders; unknown placeholders stay visible', () => {
  const t = translator('de');
  assert.is(t('overview.group.health', { online: 3, total: 4 }), '3 von 4 online');
  assert.is(t('alert.client-offline', {}), '{name} ist offline');
  assert.is(translator('en')('status.offline'), 'Offline');
});

test('German is a real translation: same keys, and the words field staff read are German', () => {
  assert.equal(Object.keys(de).sort(), Object.keys(en).sort());
  const same = Object.keys(en).filter((k) => en[k as keyof typeof en] === de[k as keyof typeof de]);
  // Only names, abbreviations and words German uses as they are may be identical.
  const international = ['app.title', 'lang.en', 'lang.de', 'conn.live', 'status.offline', 'counts.online', 'counts.offline',
    'overview.filter.online', 'overview.filter.offline', 'monitoring.table.status', 'monitoring.table.process', 'client.status',
    'client.connectivity.online', 'client.connectivity.offline', 'client.process', 'client.pid', 'client.details', 'client.uuid',
    'client.hostname', 'client.version', 'periods.col.name', 'periods.type.semester', 'periods.type.trimester'];
  assert.equal(same.filter((k) => !international.includes(k)), [], 'untranslated keys');
  assert.is(de['nav.overview'], 'Übersicht');
  assert.is(de['overview.lastSeen'], 'Zuletzt gesehen');
  assert.is(de['overview.unassigned'], 'Ohne Gruppe');
});

test('relative and absolute times', () => {
  const now = Date.parse('2026-03-02T10:00:00Z');
  const de = i18n('de', now);
  assert.is(de.ago(now - 2000), 'gerade eben');
  assert.match(de.ago(now - 5 * 60_000), /vor 5 Min/);
  assert.is(de.ago(null), 'nie');
  assert.match(i18n('en', now).ago(now - 3 * 3_600_000), /3 hr/);
  assert.is(de.dateTime(null), '–');
  assert.is(de.code('reason', 'heartbeat_stale'), 'Kein Lebenszeichen');
  assert.is(de.code('reason', 'brand_new_reason'), 'brand_new_reason');
});

test.run();
