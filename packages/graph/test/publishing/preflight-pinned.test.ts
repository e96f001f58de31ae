/**
 * The default preflight client pins connections to SSRF-checked addresses, closing DNS rebinding.
 * A local server on 127.0.0.1 stands in for "a private address"; names under `.test` never resolve for real,
 * so a request can only reach the server through the lookup the test injects.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pinnedFetch, SsrfRefusedError } from '../../src/publishing/preflight/pinned-fetch.js';
import { preflightMedia } from '../../src/publishing/preflight/probe.js';
import { jpeg } from './helpers/media-fixtures.js';

const PUBLIC = '93.184.216.34';
const image = jpeg(1080, 1080);
let server: Server;
let port: number;
let hits: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url} ${req.headers.range ?? ''}`.trim());
    if (req.url === '/hop') {
      res.writeHead(302, { location: `http://rebind.test:${port}/a.jpg` }).end();
      return;
    }
    const range = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? '');
    const headers = { 'content-type': 'image/jpeg' };
    if (req.method === 'HEAD') res.writeHead(200, { ...headers, 'content-length': image.length }).end();
    else if (range) {
      const to = Math.min(Number(range[2]), image.length - 1);
      res
        .writeHead(206, { ...headers, 'content-range': `bytes ${range[1]}-${to}/${image.length}` })
        .end(image.subarray(Number(range[1]), to + 1));
    } else res.writeHead(200, headers).end(image);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  hits = [];
});

/** A rebinding DNS: answers `first` to the first query per name, then `then`. */
function rebinding(first: string[], then: string[]) {
  const asked: string[] = [];
  const lookup = async (host: string) => {
    const seen = asked.includes(host);
    asked.push(host);
    return (seen ? then : first).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return { lookup, asked };
}

describe('preflight with the default (pinned) client', () => {
  it('DNS rebinding (public to the check, 127.0.0.1 to the connection) is refused; nothing reaches the server', async () => {
    const dns = rebinding([PUBLIC], ['127.0.0.1']);
    const r = await preflightMedia(`http://rebind.test:${port}/a.jpg`, 'feed_image', { lookup: dns.lookup });
    expect(r).toMatchObject({
      ok: false,
      code: 'MEDIA_ERROR',
      reason: 'private_address',
      retryable: false,
      details: { address: '127.0.0.1' },
    });
    expect(dns.asked).toEqual(['rebind.test', 'rebind.test']); // the pre-check, then the connection itself
    expect(hits).toEqual([]);
  });

  it('a connection-time answer mixing private and public addresses is refused', async () => {
    const dns = rebinding([PUBLIC], ['127.0.0.1', PUBLIC]);
    expect(
      await preflightMedia(`http://mixed.test:${port}/a.jpg`, 'feed_image', { lookup: dns.lookup }),
    ).toMatchObject({ ok: false, reason: 'private_address', details: { address: '127.0.0.1' } });
    expect(hits).toEqual([]);
  });

  it('a redirect hop that rebinds is refused at connect time', async () => {
    const rebindQueries: string[] = [];
    const lookup = async (host: string) => {
      if (host === 'start.test') return [{ address: '127.0.0.1', family: 4 }];
      rebindQueries.push(host);
      return [{ address: rebindQueries.length === 1 ? PUBLIC : '127.0.0.1', family: 4 }];
    };
    const r = await preflightMedia(`http://start.test:${port}/hop`, 'feed_image', {
      lookup,
      allowHosts: ['start.test'],
    });
    expect(r).toMatchObject({ ok: false, reason: 'private_address', details: { address: '127.0.0.1' } });
    expect(hits).toEqual(['HEAD /hop']); // only the allow-listed first hop was reached
    expect(rebindQueries).toEqual(['rebind.test', 'rebind.test']);
  });

  it('connects to exactly the address the lookup approved (allow-listed host → the local server)', async () => {
    const r = await preflightMedia(`http://media.test:${port}/a.jpg`, 'feed_image', {
      lookup: async () => [{ address: '127.0.0.1', family: 4 }],
      allowHosts: ['media.test'],
    });
    expect(r).toMatchObject({
      ok: true,
      info: { format: 'jpeg', width: 1080, height: 1080, bytes: image.length },
    });
    expect(hits).toEqual(['HEAD /a.jpg', 'GET /a.jpg bytes=0-65535']);
  });
});

describe('pinnedFetch', () => {
  it('refuses a literal private IP before connecting unless it is allow-listed', async () => {
    const err = await pinnedFetch()(`http://127.0.0.1:${port}/a.jpg`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SsrfRefusedError);
    expect(hits).toEqual([]);
    const ok = await pinnedFetch({ allowHosts: ['127.0.0.1'] })(`http://127.0.0.1:${port}/a.jpg`, {
      method: 'HEAD',
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toBeNull();
    expect(ok.headers.get('content-length')).toBe(String(image.length));
  });

  it('streams bodies, passes request headers and never follows redirects', async () => {
    const f = pinnedFetch({ allowHosts: ['127.0.0.1'] });
    const part = await f(`http://127.0.0.1:${port}/a.jpg`, { headers: { range: 'bytes=0-3' } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(image.subarray(0, 4));
    const hop = await f(`http://127.0.0.1:${port}/hop`);
    expect(hop.status).toBe(302);
    expect(hop.headers.get('location')).toBe(`http://rebind.test:${port}/a.jpg`);
    expect(hits).toEqual(['GET /a.jpg bytes=0-3', 'GET /hop']);
  });

  it('rejects on abort', async () => {
    const c = new AbortController();
    c.abort();
    const err = await pinnedFetch({ allowHosts: ['127.0.0.1'] })(`http://127.0.0.1:${port}/a.jpg`, {
      signal: c.signal,
    }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('AbortError');
  });
});
