/**
 * TLS files are read once, together: every configured file that cannot be read is named in the one
 * error (a missing certificate and key are one fix), and readable files come back as bytes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPemFiles, readTlsFiles } from './tls-files.ts';

const dir = mkdtempSync(join(tmpdir(), 'infoscreen-tls-files-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const caught = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected an error');
};

test('the certificate and the key both missing: both are named in the one error', () => {
  const msg = caught(() => readTlsFiles({ cert: join(dir, 'client.pem'), key: join(dir, 'client.key') }));
  assert.match(msg, /MQTT_TLS_CERTFILE/);
  assert.match(msg, /client\.pem/);
  assert.match(msg, /MQTT_TLS_KEYFILE/);
  assert.match(msg, /client\.key/);
  assert.not.match(msg, /MQTT_TLS_CA_CERT/, 'a file nobody configured is not named');
});

test('a readable CA and an unreadable folder-as-key: only the key is named', () => {
  writeFileSync(join(dir, 'ca.pem'), 'CA');
  const msg = caught(() => readTlsFiles({ ca: join(dir, 'ca.pem'), key: dir }));
  assert.match(msg, /MQTT_TLS_KEYFILE/);
  assert.not.match(msg, /MQTT_TLS_CA_CERT/);
});

test('readable files come back as bytes; none configured is no TLS material', () => {
  writeFileSync(join(dir, 'cert.pem'), 'CERT');
  const m = readTlsFiles({ ca: join(dir, 'ca.pem'), cert: join(dir, 'cert.pem') });
  assert.is(new TextDecoder().decode(m.ca), 'CA');
  assert.is(new TextDecoder().decode(m.cert), 'CERT');
  assert.is(m.key, undefined);
  assert.equal(readTlsFiles({}), {});
  assert.equal(readPemFiles('x', [['a', undefined]]), [undefined]);
});

test('the embedded listener: certificate and key missing are one error naming both keys', () => {
  const msg = caught(() => readPemFiles('MQTT_EMBEDDED_TLS', [['certificate (MQTT_EMBEDDED_TLS_CERT)', join(dir, 'no.crt')], ['key (MQTT_EMBEDDED_TLS_KEY)', join(dir, 'no.key')]]));
  assert.match(msg, /MQTT_EMBEDDED_TLS_CERT\) ".*no\.crt".*; key \(MQTT_EMBEDDED_TLS_KEY\) ".*no\.key"/);
});

test.run();
