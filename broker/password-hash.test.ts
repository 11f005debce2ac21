import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_ITERATIONS, hashBrokerPassword, verifyBrokerPassword } from './password-hash.ts';

test('format is Mosquitto $7$: iterations, 12-byte salt, 64-byte PBKDF2-SHA512 hash', async () => {
  const h = await hashBrokerPassword('x'.repeat(32));
  const m = /^\$7\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(h);
  assert.ok(m, h);
  assert.is(Number(m![1]), DEFAULT_ITERATIONS);
  assert.is(Buffer.from(m![2], 'base64').length, 12);
  assert.is(Buffer.from(m![3], 'base64').length, 64);
  assert.is.not(await hashBrokerPassword('x'.repeat(32)), h, 'fresh salt each time');
});

test('verifies the right password only; malformed hashes are false, never a throw', async () => {
  const h = await hashBrokerPassword('right-password-right-password');
  assert.ok(await verifyBrokerPassword('right-password-right-password', h));
  assert.not.ok(await verifyBrokerPassword('right-password-right-passworD', h));
  assert.not.ok(await verifyBrokerPassword('', h));
  for (const bad of ['', '$7$', '$6$abc$def', '$7$x$AAAA$AAAA', '$7$0$AAAA$AAAA', '$7$99999999$AAAA$AAAA', h.slice(0, -4), `${h}$x`, 'scrypt$1$2$3$4$5']) {
    assert.not.ok(await verifyBrokerPassword('right-password-right-password', bad), bad);
  }
});

test('verifies a hash written by mosquitto_passwd itself (same algorithm, same encoding)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pw-'));
  try {
    const r = spawnSync('mosquitto_passwd', ['-c', '-b', join(dir, 'p'), 'dev', 'their-password'], { encoding: 'utf8' });
    if (r.error) return console.log('NOTICE: mosquitto_passwd not installed; cross-check skipped');
    const hash = readFileSync(join(dir, 'p'), 'utf8').trim().split(':')[1];
    assert.ok(hash.startsWith('$7$'), hash);
    assert.ok(await verifyBrokerPassword('their-password', hash));
    assert.not.ok(await verifyBrokerPassword('other', hash));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
