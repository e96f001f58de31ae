import { describe, expect, it } from 'vitest';
import {
  checkUrlTarget,
  ipv6Groups,
  isAllowedHost,
  isNonPublicAddress,
} from '../../src/publishing/preflight/ssrf.js';

const lookupTo =
  (...addresses: string[]) =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

describe('isNonPublicAddress', () => {
  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '198.18.0.5',
    '::1',
    '::',
    'fe80::1',
    'fe80::1%eth0',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '64:ff9b::192.168.0.1',
    '2001:db8::1',
    // issue 12 finding 6: IPv4 embedded in translated, local NAT64, 6to4 and Teredo addresses
    '::ffff:0:127.0.0.1',
    '::ffff:0:10.1.2.3',
    '::ffff:0:a9fe:a9fe',
    '64:ff9b:1::1',
    '64:ff9b:1:ffff::8.8.8.8',
    '2002:7f00:1::1',
    '2002:a9fe:a9fe::1',
    '2002:c0a8:101::',
    '2001:0:4136:e378:8000:63bf:80ff:fffe', // Teredo: client 127.0.0.1 (inverted)
    '2001:0:a00:1::1', // Teredo: server 10.0.0.1
    'not-an-ip',
  ])('%s is refused', (ip) => {
    expect(isNonPublicAddress(ip)).toBe(true);
  });

  it.each([
    '8.8.8.8',
    '157.240.1.35',
    '172.32.0.1',
    '100.128.0.1',
    '2a03:2880:f12f:83:face:b00c::25de',
    '::ffff:8.8.8.8',
    '64:ff9b::8.8.8.8',
    '::ffff:0:8.8.8.8',
    '2002:808:808::1',
    '2001:0:4136:e378:8000:63bf:f7f7:f7f7', // Teredo: server 65.54.227.120, client 8.8.8.8
  ])('%s is public', (ip) => {
    expect(isNonPublicAddress(ip)).toBe(false);
  });

  it('expands IPv6 forms', () => {
    expect(ipv6Groups('::1')).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(ipv6Groups('::ffff:1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x102, 0x304]);
  });
});

describe('checkUrlTarget', () => {
  it('checks every resolved address (one private address is enough to refuse)', async () => {
    const v = await checkUrlTarget('https://cdn.example.com/a.jpg', {
      lookup: lookupTo('93.184.216.34', '10.0.0.5'),
    });
    expect(v).toMatchObject({ ok: false, reason: 'private_address', address: '10.0.0.5' });
  });

  it('refuses a name that resolves to loopback (after DNS, not by name)', async () => {
    const v = await checkUrlTarget('https://innocent.example.com/a.jpg', { lookup: lookupTo('::1') });
    expect(v).toMatchObject({ ok: false, reason: 'private_address' });
  });

  it('accepts public addresses', async () => {
    const v = await checkUrlTarget('https://cdn.example.com/a.jpg', { lookup: lookupTo('93.184.216.34') });
    expect(v).toMatchObject({ ok: true, addresses: ['93.184.216.34'] });
  });

  it('refuses literal private IPs without a lookup, including bracketed IPv6', async () => {
    let called = false;
    const lookup = async () => {
      called = true;
      return [];
    };
    expect(await checkUrlTarget('http://169.254.169.254/latest/meta-data', { lookup })).toMatchObject({
      ok: false,
      reason: 'private_address',
    });
    expect(await checkUrlTarget('http://[::1]:8080/x.jpg', { lookup })).toMatchObject({
      ok: false,
      reason: 'private_address',
    });
    expect(called).toBe(false);
  });

  it('lets the allow-list through (for the emulator and tests)', async () => {
    expect(await checkUrlTarget('http://127.0.0.1:4000/a.jpg', { allowHosts: ['127.0.0.1'] })).toMatchObject({
      ok: true,
    });
    expect(await checkUrlTarget('http://localhost:4000/a.jpg', { allowHosts: ['LOCALHOST'] })).toMatchObject({
      ok: true,
    });
  });

  it('matches allow-list entries by exact host, ignoring case and IPv6 brackets', async () => {
    expect(isAllowedHost('Media.Test', { allowHosts: ['media.test'] })).toBe(true);
    expect(isAllowedHost('::1', { allowHosts: ['[::1]'] })).toBe(true);
    expect(isAllowedHost('[::1]', { allowHosts: ['::1'] })).toBe(true);
    expect(isAllowedHost('evil.media.test', { allowHosts: ['media.test'] })).toBe(false);
    expect(isAllowedHost('127.0.0.1', {})).toBe(false);
    expect(await checkUrlTarget('http://[::1]:4000/a.mp4', { allowHosts: ['[::1]'] })).toMatchObject({
      ok: true,
    });
  });

  it('refuses bad URLs, non-http schemes and unresolvable names', async () => {
    expect(await checkUrlTarget('not a url')).toMatchObject({ ok: false, reason: 'invalid_url' });
    expect(await checkUrlTarget('file:///etc/passwd')).toMatchObject({
      ok: false,
      reason: 'unsupported_scheme',
    });
    const failing = async () => {
      throw new Error('ENOTFOUND');
    };
    expect(await checkUrlTarget('https://nx.example/a.jpg', { lookup: failing })).toMatchObject({
      ok: false,
      reason: 'dns_failure',
    });
    expect(await checkUrlTarget('https://nx.example/a.jpg', { lookup: lookupTo() })).toMatchObject({
      ok: false,
      reason: 'dns_failure',
    });
  });
});
