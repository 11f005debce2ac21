import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { boundaryOf, MultipartError, readParts } from './multipart.ts';

/** The body a browser sends for this form, cut into chunks of `size` bytes. */
async function body(form: FormData, size: number): Promise<{ stream: ReadableStream<Uint8Array>; boundary: string }> {
  const req = new Request('http://x/', { method: 'POST', body: form });
  const all = new Uint8Array(await req.arrayBuffer());
  let at = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (at >= all.length) return c.close();
      c.enqueue(all.slice(at, (at += size)));
    },
  });
  return { stream, boundary: boundaryOf(req.headers.get('content-type'))! };
}

const collect = async (it: AsyncIterable<Uint8Array>) => {
  const parts: number[] = [];
  for await (const c of it) parts.push(...c);
  return new Uint8Array(parts);
};

test('parts come out intact whatever the chunking, even with boundary-like bytes inside a file', async () => {
  for (const size of [1, 7, 64, 100_000]) {
    const form = new FormData();
    form.append('folder', 'a/b');
    const { boundary: probe } = await body(new FormData(), 1);
    const tricky = new TextEncoder().encode(`x\r\n--${probe.slice(0, 10)}\r\n--\r\n\r\ny`);
    const file = Uint8Array.from({ length: 3000 }, (_, i) => (i % 5 === 0 ? 13 : i % 7 === 0 ? 45 : i & 0xff));
    form.append('file', new Blob([tricky, file]), 'näme "q".mp4');
    form.append('after', 'z');
    const { stream, boundary } = await body(form, size);
    const seen: Array<[string | null, string | null, Uint8Array]> = [];
    for await (const p of readParts(stream, boundary)) seen.push([p.name, p.filename, await collect(p.body)]);
    assert.equal(seen.map((s) => s[0]), ['folder', 'file', 'after'], `chunk ${size}`);
    assert.is(new TextDecoder().decode(seen[0][2]), 'a/b');
    assert.is(seen[1][1], 'näme %22q%22.mp4'.replace(/%22/g, '"'));
    assert.equal(seen[1][2], new Uint8Array([...tricky, ...file]));
    assert.is(new TextDecoder().decode(seen[2][2]), 'z');
  }
});

test('a part the caller skips is passed over; a cut-off body is an error, not a hang', async () => {
  const form = new FormData();
  form.append('file', new Blob(['0123456789'.repeat(100)]), 'a.mp4');
  form.append('folder', 'x');
  const { stream, boundary } = await body(form, 13);
  const names: string[] = [];
  for await (const p of readParts(stream, boundary)) names.push(p.name!);
  assert.equal(names, ['file', 'folder']);
  const cut = new ReadableStream<Uint8Array>({ start: (c) => (c.enqueue(new TextEncoder().encode('--b\r\ncontent-disposition: form-data; name="file"\r\n\r\nabc')), c.close()) });
  try {
    for await (const p of readParts(cut, 'b')) await collect(p.body);
    assert.unreachable();
  } catch (err) {
    assert.instance(err, MultipartError);
  }
});

test.run();
