/**
 * SSRF guard for media preflight: refuse URLs whose host resolves to a private, loopback, link-local,
 * unique-local, multicast or otherwise non-public address. The check runs *after* DNS resolution (through an
 * injectable `lookup`), on every address the name resolves to, and again on every redirect hop.
 *
 * This pre-check alone cannot stop DNS rebinding (the client resolves the name again when it connects), so
 * preflight's default client, `pinnedFetch`, repeats the address check inside the socket's own lookup and
 * connects only to the addresses it approved. With a caller-supplied `fetch` only this pre-check applies.
 * Neither replaces network egress rules.
 */
import { isIP } from 'node:net';

/** Resolves a host name to its addresses (same shape as `dns.promises.lookup(host, { all: true })`). */
export type LookupFn = (hostname: string) => Promise<ReadonlyArray<{ address: string; family: number }>>;

/** Options for {@link checkUrlTarget}. */
export interface SsrfOptions {
  /** Name resolution. @default {@link systemLookup} */
  lookup?: LookupFn;
  /** Host names or literal IPs exempt from the address check (e.g. `['127.0.0.1']` for the emulator). */
  allowHosts?: readonly string[];
}

/** Outcome of {@link checkUrlTarget}. */
export type SsrfVerdict =
  | { ok: true; url: URL; addresses: string[] }
  | {
      ok: false;
      reason: 'invalid_url' | 'unsupported_scheme' | 'private_address' | 'dns_failure';
      message: string;
      address?: string;
    };

function v4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => (acc << 8) + Number(part), 0) >>> 0;
}

const V4_BLOCKS: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (incl. cloud metadata 169.254.169.254)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved + broadcast
];

/** True for IPv4 addresses that are not publicly routable. */
export function isNonPublicIPv4(ip: string): boolean {
  const n = v4ToInt(ip);
  return V4_BLOCKS.some(([base, bits]) => {
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    return (n & mask) === (v4ToInt(base) & mask);
  });
}

/** Expands an IPv6 address into 8 16-bit groups (handles `::` and an embedded dotted IPv4 tail). */
export function ipv6Groups(ip: string): number[] {
  let s = ip.toLowerCase().split('%')[0] ?? '';
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4?.[1]) {
    const n = v4ToInt(v4[1]);
    s = `${s.slice(0, -v4[1].length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head = '', tail] = s.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const fill = tail !== undefined ? 8 - h.length - t.length : 0;
  return [...h, ...Array<string>(Math.max(0, fill)).fill('0'), ...t].map((g) =>
    Number.parseInt(g || '0', 16),
  );
}

/** True for IPv6 addresses that are not publicly routable (incl. IPv4-mapped/-translated private IPv4). */
export function isNonPublicIPv6(ip: string): boolean {
  const g = ipv6Groups(ip);
  if (g.length !== 8) return true;
  const [a = 0, b = 0] = g;
  if (g.every((x) => x === 0)) return true; // ::
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return true; // ::1
  // Addresses that carry an IPv4 address: judge the embedded IPv4.
  const v4 = (hi: number | undefined, lo: number | undefined): string =>
    `${(hi ?? 0) >> 8}.${(hi ?? 0) & 255}.${(lo ?? 0) >> 8}.${(lo ?? 0) & 255}`;
  const embedded = v4(g[6], g[7]);
  // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compat)
  if (g.slice(0, 5).every((x) => x === 0) && (g[5] === 0xffff || g[5] === 0))
    return isNonPublicIPv4(embedded);
  // ::ffff:0:a.b.c.d (IPv4-translated, RFC 2765)
  if (g.slice(0, 4).every((x) => x === 0) && g[4] === 0xffff && g[5] === 0) return isNonPublicIPv4(embedded);
  // 64:ff9b::a.b.c.d (NAT64 well-known prefix, RFC 6052)
  if (a === 0x64 && b === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return isNonPublicIPv4(embedded);
  // 64:ff9b:1::/48 (local-use NAT64, RFC 8215): translated by the operator's own gateway, never public
  if (a === 0x64 && b === 0xff9b && g[2] === 1) return true;
  // 2002::/16 (6to4): the IPv4 address sits in bits 16–47
  if (a === 0x2002) return isNonPublicIPv4(v4(g[1], g[2]));
  // 2001:0::/32 (Teredo): server IPv4 in bits 32–63, client IPv4 inverted in the last 32 bits
  if (a === 0x2001 && b === 0) {
    return isNonPublicIPv4(v4(g[2], g[3])) || isNonPublicIPv4(v4((g[6] ?? 0) ^ 0xffff, (g[7] ?? 0) ^ 0xffff));
  }
  if ((a & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local
  if ((a & 0xffc0) === 0xfe80) return true; // fe80::/10 link-local
  if ((a & 0xffc0) === 0xfec0) return true; // fec0::/10 site-local (deprecated)
  if ((a & 0xff00) === 0xff00) return true; // multicast
  if (a === 0x2001 && b === 0x0db8) return true; // documentation
  return false;
}

/** True when `ip` (v4 or v6 literal) must not be fetched. Non-IP strings count as non-public. */
export function isNonPublicAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 4) return isNonPublicIPv4(ip);
  if (family === 6) return isNonPublicIPv6(ip);
  return true;
}

/** The default {@link LookupFn}: `dns.promises.lookup(host, { all: true, verbatim: true })`. */
export const systemLookup: LookupFn = async (hostname) => {
  const dns = await import('node:dns/promises');
  return dns.lookup(hostname, { all: true, verbatim: true });
};

function bareHost(host: string): string {
  return host.toLowerCase().replace(/^\[|\]$/g, '');
}

/** True when `host` (a name or IP literal, brackets optional, any case) is in `options.allowHosts`. */
export function isAllowedHost(host: string, options: SsrfOptions): boolean {
  const h = bareHost(host);
  return (options.allowHosts ?? []).some((a) => bareHost(a) === h);
}

/** Checks scheme and resolved addresses of `rawUrl`. Never throws. */
export async function checkUrlTarget(rawUrl: string, options: SsrfOptions = {}): Promise<SsrfVerdict> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { ok: false, reason: 'invalid_url', message: 'Media URL is not a valid absolute URL.' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return {
      ok: false,
      reason: 'unsupported_scheme',
      message: `Media URL scheme ${url.protocol} is not http(s).`,
    };
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isAllowedHost(host, options)) return { ok: true, url, addresses: [] };
  let addresses: string[];
  if (isIP(host)) {
    addresses = [host];
  } else {
    try {
      addresses = (await (options.lookup ?? systemLookup)(host)).map((a) => a.address);
    } catch {
      return { ok: false, reason: 'dns_failure', message: `Media host ${host} could not be resolved.` };
    }
    if (addresses.length === 0)
      return { ok: false, reason: 'dns_failure', message: `Media host ${host} has no address.` };
  }
  const bad = addresses.find(isNonPublicAddress);
  if (bad !== undefined) {
    return {
      ok: false,
      reason: 'private_address',
      message: `Media host ${host} resolves to a non-public address; refusing to fetch it.`,
      address: bad,
    };
  }
  return { ok: true, url, addresses };
}
