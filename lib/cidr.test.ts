/** Address ranges of METRICS_ALLOW_FROM: IPv4, IPv6, mapped IPv4, bare addresses, bad input. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { inRanges, parseCidr } from './cidr.ts';

const ranges = (...t: string[]) => t.map(parseCidr);

test('IPv4 ranges and bare addresses', () => {
  const r = ranges('10.0.0.0/8', '192.168.1.7');
  assert.ok(inRanges('10.200.3.4', r));
  assert.ok(inRanges('192.168.1.7', r));
  assert.not.ok(inRanges('192.168.1.8', r));
  assert.not.ok(inRanges('11.0.0.1', r));
  assert.ok(inRanges('203.0.113.9', ranges('0.0.0.0/0')));
});

test('IPv6 ranges, brackets, zone ids; mapped IPv4 matches IPv4 ranges only', () => {
  const r = ranges('::1/128', 'fd00::/8', '127.0.0.0/8');
  assert.ok(inRanges('::1', r));
  assert.ok(inRanges('[::1]', r));
  assert.ok(inRanges('fd12:3456::9%eth0', r));
  assert.not.ok(inRanges('fe80::1', r));
  assert.ok(inRanges('::ffff:127.0.0.1', r), 'a dual-stack socket reports IPv4 this way');
  assert.not.ok(inRanges('::ffff:10.0.0.1', r));
  assert.not.ok(inRanges('127.0.0.1', ranges('::1/128')), 'families do not mix');
});

test('an address that is none never matches; bad ranges are refused with the text', () => {
  assert.not.ok(inRanges('unknown', ranges('0.0.0.0/0', '::/0')));
  assert.not.ok(inRanges('', ranges('0.0.0.0/0')));
  for (const bad of ['10.0.0.0/33', '300.1.1.1', 'example.org', '1::2::3', '::1/129', '10.0.0.0/8/1', '10.0.0.0/x']) {
    assert.throws(() => parseCidr(bad), (e: Error) => e.message.includes(bad.split('/')[0]), bad);
  }
});

test.run();
