/**
 * Address ranges (`10.0.0.0/8`, `::1/128`, a bare address) and the test "is this address inside":
 * `METRICS_ALLOW_FROM` (docs/operations.md "Metrics"). Pure, web-standard: no `node:net`.
 * An IPv4-mapped IPv6 address (`::ffff:127.0.0.1`, how a dual-stack socket reports IPv4) matches
 * IPv4 ranges.
 */

export interface Cidr {
  v6: boolean;
  bits: bigint; // the network address as a number
  prefix: number;
  text: string;
}

function parseV4(s: string): bigint | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  let n = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    n = (n << 8n) | BigInt(Number(p));
  }
  return n;
}

function parseV6(s: string): bigint | null {
  let text = s.toLowerCase();
  // A trailing dotted quad (`::ffff:1.2.3.4`) becomes two hex groups.
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad) {
    const v4 = parseV4(quad[1]);
    if (v4 === null) return null;
    text = text.slice(0, -quad[1].length) + `${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let n = 0n;
  for (const g of all) {
    if (!/^[0-9a-f]{1,4}$/.test(g)) return null;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  return n;
}

/** An address as [v6, number]; null when it is no IP address. Mapped IPv4 answers as IPv4. */
export function parseAddress(address: string): [boolean, bigint] | null {
  const s = address.trim().replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, ''); // brackets, zone id
  const v4 = parseV4(s);
  if (v4 !== null) return [false, v4];
  const v6 = parseV6(s);
  if (v6 === null) return null;
  if (v6 >> 32n === 0xffffn) return [false, v6 & 0xffffffffn]; // ::ffff:a.b.c.d
  return [true, v6];
}

/** One range; throws an Error naming the text when it is not a range. */
export function parseCidr(text: string): Cidr {
  const [addr, len, extra] = text.trim().split('/');
  const parsed = extra === undefined ? parseAddress(addr) : null;
  if (!parsed) throw new Error(`"${text}" is not an address or CIDR range`);
  const [v6, bits] = parsed;
  const max = v6 ? 128 : 32;
  const prefix = len === undefined ? max : /^\d{1,3}$/.test(len) ? Number(len) : NaN;
  if (!(prefix >= 0 && prefix <= max)) throw new Error(`"${text}": the prefix length must be 0–${max}`);
  return { v6, bits: mask(bits, prefix, max), prefix, text: text.trim() };
}

const mask = (n: bigint, prefix: number, max: number) => (prefix === 0 ? 0n : (n >> BigInt(max - prefix)) << BigInt(max - prefix));

/** Whether `address` lies in any of `ranges`; an unparsable address (e.g. 'unknown') never does. */
export function inRanges(address: string, ranges: readonly Cidr[]): boolean {
  const parsed = parseAddress(address);
  if (!parsed) return false;
  const [v6, n] = parsed;
  return ranges.some((r) => r.v6 === v6 && mask(n, r.prefix, v6 ? 128 : 32) === r.bits);
}
