/** Strict base64 decoding for screenshot payloads. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeBase64, looksLikeJpeg } from './base64.ts';
import { JPEG, JPEG_B64 } from '../testing/broker-fixtures.ts';

test('standard, unpadded, URL-safe, wrapped and data-URL forms decode to the same bytes', () => {
  const bytes = new Uint8Array([0xfb, 0xff, 0xbf, 0x00, 0x01]); // "+/+/AAE=" exercises both alphabets
  const std = btoa(String.fromCharCode(...bytes));
  assert.is(std, '+/+/AAE=');
  for (const form of [std, std.replace(/=+$/, ''), '-_-_AAE=', '-_-_AAE', `data:image/jpeg;base64,${std}`, '+/+/\nAAE=\n', ' +/+/ AAE= ']) {
    assert.equal(decodeBase64(form), bytes, JSON.stringify(form));
  }
  assert.equal(decodeBase64(JPEG_B64), JPEG);
  assert.ok(looksLikeJpeg(decodeBase64(JPEG_B64)!));
  assert.not.ok(looksLikeJpeg(new Uint8Array([0x89, 0x50, 0x4e, 0x47])));
});

test('junk is refused rather than half-decoded', () => {
  for (const bad of ['', '=', '====', 'A', 'AAAAA', 'AB=C', 'not base64!', 'AAAA*AAA', '+/_-', 'data:image/jpeg;base64,']) {
    assert.is(decodeBase64(bad), null, JSON.stringify(bad));
  }
});

test.run();
