/**
 * kill -9 durability with the embedded broker (docs/reliability.md "Crash (kill -9) durability"):
 * the real server process, a device pipelining QoS 1 log messages, SIGKILL the moment a PUBACK
 * arrives, a restart on the same file: every PUBACKed row is in the database.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { killNineRun } from '../scripts/durability-kit.ts';

test('kill -9 at the last PUBACK of 2,000 pipelined QoS 1 logs: every acknowledged row survives', async () => {
  const f = await killNineRun({ n: 2000 });
  assert.is(f.acked, 2000);
  assert.is(f.lost, 0, `${f.lost} of ${f.acked} acknowledged rows lost`);
});

test('kill -9 mid-stream (at the 1,000th of 3,000 PUBACKs): every acknowledged row survives', async () => {
  const f = await killNineRun({ n: 3000, killAt: 1000 });
  assert.ok(f.acked >= 1000);
  assert.is(f.lost, 0, `${f.lost} of ${f.acked} acknowledged rows lost`);
});

test.run();
