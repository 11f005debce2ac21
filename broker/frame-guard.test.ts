/** MQTT fixed-header frame limit (MQTT 3.1.1 §2.2.3 remaining length). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FrameGuard } from './frame-guard.ts';

/** MQTT remaining-length varint. */
function varint(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}
const frame = (len: number) => new Uint8Array([0x30, ...varint(len), ...new Array(len).fill(7)]);

test('frames within the limit pass, whatever the chunking', () => {
  const g = new FrameGuard(200);
  const stream = new Uint8Array([...frame(0), ...frame(5), ...frame(127), ...frame(128), ...frame(200), 0xc0, 0x00]);
  for (let i = 0; i < stream.length; i += 3) assert.is(g.push(stream.subarray(i, i + 3)), null);
});

test('a frame above the limit is reported from its header alone, even split across chunks', () => {
  const g = new FrameGuard(1000);
  assert.is(g.push(new Uint8Array([...frame(10), 0x32])), null);
  const header = varint(2_000_000);
  assert.is(header.length, 3);
  assert.is(g.push(new Uint8Array(header.slice(0, 2))), null);
  assert.is(g.push(new Uint8Array([header[2]])), 2_000_000);
});

test('a malformed 5-byte length switches the guard off instead of guessing', () => {
  const g = new FrameGuard(10);
  assert.is(g.push(new Uint8Array([0x30, 0xff, 0xff, 0xff, 0xff, 0x7f])), null);
  assert.is(g.push(frame(5000)), null);
});

test.run();
