import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generatePassword, hashPassword, verifyPassword } from './password.ts';

test('hash has the scrypt$N$r$p$salt$hash format with default cost 2^15/8/1 and verifies', async () => {
  const h = await hashPassword('s3cret pässword');
  assert.match(h, /^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  assert.ok(await verifyPassword('s3cret pässword', h));
  assert.not.ok(await verifyPassword('s3cret password', h));
  assert.not.ok(await verifyPassword('', h));
});

test('same password, different salt, different hash; the stored cost is honoured', async () => {
  const a = await hashPassword('pw', { N: 1024, r: 8, p: 1 });
  const b = await hashPassword('pw', { N: 1024, r: 8, p: 1 });
  assert.is.not(a, b);
  assert.match(a, /^scrypt\$1024\$8\$1\$/);
  assert.ok(await verifyPassword('pw', a));
});

test('malformed stored hashes verify as false, never throw', async () => {
  for (const bad of ['', 'plain', 'bcrypt$x', 'scrypt$abc$8$1$c2FsdA$aGFzaA', 'scrypt$1024$8$1$c2FsdA$', 'scrypt$3$8$1$c2FsdA$aGFzaA', 'scrypt$1073741824$8$1$c2FsdA$aGFzaA']) {
    assert.is(await verifyPassword('pw', bad), false, bad);
  }
});

test('generatePassword: requested length, URL-safe, random', () => {
  const a = generatePassword(24);
  assert.match(a, /^[A-Za-z0-9_-]{24}$/);
  assert.is.not(a, generatePassword(24));
  assert.is(generatePassword().length, 20);
});

test.run();
