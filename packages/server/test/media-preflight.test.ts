/**
 * Media preflight as scheduling uses it (IGKIT_MEDIA_PREFLIGHT), against a local media server:
 * - SSRF through redirects: a public media URL answering 301/302/307/308 towards loopback, link-local (cloud
 *   metadata), private or unique-local addresses, or a name resolving to one, is refused before anything
 *   connects to the target; the post fails with MEDIA_ERROR `private_address` and no container is created.
 * - Bad input: fuzzed answers (status, headers, truncated or corrupt JPEG/PNG/MP4 bytes, odd redirects) never
 *   make preflight throw or the publish job fail other than as a typed MEDIA_ERROR naming the reason (or a
 *   retry for a retryable one).
 * Names under `.test` never resolve for real: requests reach the local server only through the injected lookup.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { preflightMedia } from '@igkit/graph';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { queryAudit } from '../src/audit/audit-log.js';
import { createApi } from '../src/http/app.js';
import { createHealth } from '../src/http/health.js';
import { createMetrics } from '../src/http/metrics.js';
import { JobError } from '../src/jobs/job-error.js';
import { QUEUE_NAMES } from '../src/jobs/queues.js';
import { createApiKey } from '../src/store/api-keys.js';
import { getPost } from '../src/store/posts.js';
import { type Harness, harness } from './helpers/harness.js';

const MEDIA_HOST = 'media.example.test';
const PRIVATE_NAME = 'intranet.example.test';
const PUBLIC_NAME = 'cdn2.example.test';

/** A tiny structurally valid JPEG header (SOI, APP0, SOF0 with the size, SOS, EOI). */
function jpeg(width: number, height: number): Buffer {
  const seg = (marker: number, payload: Buffer) => {
    const len = Buffer.alloc(2);
    len.writeUInt16BE(payload.length + 2);
    return Buffer.concat([Buffer.from([0xff, marker]), len, payload]);
  };
  const size = Buffer.alloc(4);
  size.writeUInt16BE(height, 0);
  size.writeUInt16BE(width, 2);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    seg(0xe0, Buffer.concat([Buffer.from('JFIF\0', 'latin1'), Buffer.from([1, 1, 0, 0, 1, 0, 1, 0, 0])])),
    seg(0xdb, Buffer.alloc(65)),
    seg(0xc0, Buffer.concat([Buffer.from([8]), size, Buffer.from([3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1])])),
    seg(0xda, Buffer.from([3, 1, 0, 2, 0x11, 3, 0x11, 0, 0x3f, 0])),
    Buffer.from([0x12, 0x34, 0xff, 0xd9]),
  ]);
}
const IMAGE = jpeg(1080, 1080);

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let server: Server;
let port: number;
let hits: string[] = [];
let route: Handler = (_req, res) => res.writeHead(404).end();

/** The lookup preflight uses: the media names → the local server; PRIVATE_NAME → a private address. */
const lookup = async (host: string) => {
  if (host === MEDIA_HOST || host === PUBLIC_NAME) return [{ address: '127.0.0.1', family: 4 }];
  if (host === PRIVATE_NAME) return [{ address: '10.1.2.3', family: 4 }];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
};

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(`${req.method} ${req.headers.host?.split(':')[0]} ${req.url}`);
    route(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function serveImage(req: IncomingMessage, res: ServerResponse): void {
  const range = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? '');
  const headers = { 'content-type': 'image/jpeg' };
  if (req.method === 'HEAD') res.writeHead(200, { ...headers, 'content-length': IMAGE.length }).end();
  else if (range) {
    const to = Math.min(Number(range[2]), IMAGE.length - 1);
    res
      .writeHead(206, { ...headers, 'content-range': `bytes ${range[1]}-${to}/${IMAGE.length}` })
      .end(IMAGE.subarray(Number(range[1]), to + 1));
  } else res.writeHead(200, headers).end(IMAGE);
}

describe('media preflight in scheduling (pglite)', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
    hits = [];
  });

  const schedule = (url: string) =>
    h.service.schedulePost({
      accountId: h.account.igUserId,
      kind: 'feed',
      media: [{ url }],
      publishAt: new Date(h.clock.now()),
    });

  it('publishes a public image that redirects to another public host (the guard lets real CDNs through)', async () => {
    h = await harness('pglite', { mediaPreflight: { lookup, allowHosts: [MEDIA_HOST] } });
    route = (req, res) => {
      if (req.url === '/start') res.writeHead(302, { location: `http://${MEDIA_HOST}:${port}/a.jpg` }).end();
      else serveImage(req, res);
    };
    const post = await schedule(`http://${MEDIA_HOST}:${port}/start`);
    await h.service.handlers['publish-post']({ postId: post.id });
    expect((await getPost(h.db, post.id))?.state).toBe('published');
    expect(hits).toContain(`GET ${MEDIA_HOST} /a.jpg`);
  });

  it('refuses redirects (301/302/307/308) to loopback, link-local, private and unique-local targets before connecting to them', async () => {
    h = await harness('pglite', { mediaPreflight: { lookup, allowHosts: [MEDIA_HOST] } });
    const targets = [
      `http://127.0.0.1:${port}/secret`,
      `http://[::1]:${port}/secret`,
      `http://[::ffff:127.0.0.1]:${port}/secret`,
      'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      'http://10.0.0.5/secret',
      'http://172.16.0.1/secret',
      'http://192.168.1.1/secret',
      'http://[fd00::1]/secret',
      'http://0.0.0.0/secret',
      `http://${PRIVATE_NAME}:${port}/secret`,
      // Two hops: through another public name first, then private.
      `http://${MEDIA_HOST}:${port}/hop2`,
    ];
    const statuses = [301, 302, 307, 308];
    let n = 0;
    for (const target of targets) {
      const status = statuses[n++ % statuses.length] as number;
      route = (req, res) => {
        if (req.url === '/start') res.writeHead(status, { location: target }).end();
        else if (req.url === '/hop2')
          res.writeHead(302, { location: `http://127.0.0.1:${port}/secret` }).end();
        else res.writeHead(200, { 'content-type': 'text/plain' }).end('internal secret');
      };
      hits = [];
      const post = await schedule(`http://${MEDIA_HOST}:${port}/start`);
      await h.service.handlers['publish-post']({ postId: post.id });
      const after = await getPost(h.db, post.id);
      expect(after?.state, target).toBe('failed');
      expect(after?.lastError, target).toMatchObject({
        code: 'MEDIA_ERROR',
        retryable: false,
        details: { reason: 'private_address' },
      });
      expect(after?.lastError?.message, target).toMatch(/non-public address/);
      // Only the allow-listed public hops were requested; the private target never was.
      expect(
        hits.every((hit) => !hit.includes('/secret')),
        `${target}: ${hits.join(', ')}`,
      ).toBe(true);
    }
    expect(await queryAudit(h.db, { action: 'graph.container_create' })).toEqual([]);
    expect((await h.emu.control.state()).media).toEqual([]);
  });

  it('POST /v1/media/preflight refuses the same redirects before requesting the target', async () => {
    h = await harness('pglite', { mediaPreflight: { lookup, allowHosts: [MEDIA_HOST] } });
    const app = createApi({
      service: h.service,
      metrics: createMetrics({ db: h.db, boss: h.service.boss, queues: QUEUE_NAMES }),
      health: createHealth({ db: h.db, boss: h.service.boss, graphUrl: h.emu.url }),
      dashboardDir: false,
    });
    const key = (await createApiKey(h.db, { name: 'preflight', scopes: ['posts:write'] }, h.service.now()))
      .key;
    for (const [status, target] of [
      [301, `http://127.0.0.1:${port}/secret`],
      [307, 'http://169.254.169.254/latest/meta-data/'],
      [308, `http://${PRIVATE_NAME}:${port}/secret`],
    ] as const) {
      route = (req, res) => {
        if (req.url === '/start') res.writeHead(status, { location: target }).end();
        else res.writeHead(200, { 'content-type': 'text/plain' }).end('internal secret');
      };
      hits = [];
      const res = await app.request('/v1/media/preflight', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          items: [{ url: `http://${MEDIA_HOST}:${port}/start`, target: 'feed_image' }],
        }),
      });
      expect(res.status, target).toBe(200);
      const body = (await res.json()) as { results: Array<{ ok: boolean; reason?: string }> };
      expect(body.results[0], target).toMatchObject({ ok: false, reason: 'private_address' });
      expect(hits, target).toEqual([`HEAD ${MEDIA_HOST} /start`]);
    }
  });

  it('refuses a direct media URL whose name resolves to a private address (no request is made)', async () => {
    h = await harness('pglite', { mediaPreflight: { lookup } });
    route = (_req, res) => res.writeHead(200).end('secret');
    const post = await schedule(`http://${PRIVATE_NAME}/a.jpg`);
    await h.service.handlers['publish-post']({ postId: post.id });
    expect((await getPost(h.db, post.id))?.lastError).toMatchObject({
      code: 'MEDIA_ERROR',
      details: { reason: 'private_address' },
    });
    expect(hits).toEqual([]);
  });

  it('under fuzzed media answers, the job publishes, fails the post with a typed reason, or retries', async () => {
    h = await harness('pglite', {
      mediaPreflight: { lookup, allowHosts: [MEDIA_HOST], timeoutMs: 2000 },
    });
    await fc.assert(
      fc.asyncProperty(answers, async (answer) => {
        route = answerWith(answer);
        const post = await schedule(`http://${MEDIA_HOST}:${port}/m.jpg`);
        const outcome = await h.service.handlers['publish-post']({ postId: post.id }).then(
          () => undefined,
          (e: unknown) => e,
        );
        if (outcome !== undefined) expect(outcome, JSON.stringify(answer)).toBeInstanceOf(JobError);
        const after = await getPost(h.db, post.id);
        if (after?.state === 'failed')
          expect(after.lastError, JSON.stringify(answer)).toMatchObject({
            code: 'MEDIA_ERROR',
            details: { reason: expect.any(String) },
          });
        else expect(['published', 'publishing', 'scheduled']).toContain(after?.state);
      }),
      { numRuns: 25 },
    );
  });
});

/** A fuzzed answer of the media server: HEAD and GET status, headers, and the body's bytes. */
interface Answer {
  headStatus: number;
  getStatus: number;
  contentType: string | undefined;
  headLength: string | undefined;
  contentRange: string | undefined;
  location: string | undefined;
  body: number[];
}

const base = [...IMAGE];
const answers: fc.Arbitrary<Answer> = fc.record({
  headStatus: fc.constantFrom(200, 200, 204, 301, 302, 403, 404, 405, 429, 500, 501, 503),
  getStatus: fc.constantFrom(200, 206, 206, 302, 404, 416, 500),
  contentType: fc.option(
    fc.oneof(
      fc.constantFrom('image/jpeg', 'image/png', 'video/mp4', 'text/html', '', 'image/jpeg; charset=x'),
      fc.string({ maxLength: 30 }),
    ),
    { nil: undefined },
  ),
  headLength: fc.option(
    fc.oneof(
      fc.constantFrom('-1', '0', '1e3', '99999999999999999999', String(IMAGE.length), 'abc'),
      fc.nat().map(String),
    ),
    { nil: undefined },
  ),
  contentRange: fc.option(
    fc.oneof(
      fc.constantFrom(
        'bytes */0',
        'bytes 0-0/0',
        'bytes 0-10/abc',
        `bytes 0-${IMAGE.length - 1}/${IMAGE.length}`,
      ),
      fc.string({ maxLength: 30 }),
    ),
    { nil: undefined },
  ),
  location: fc.option(
    fc.oneof(
      fc.constantFrom(
        '',
        '/m.jpg',
        '//',
        'http://',
        'file:///etc/passwd',
        'gopher://x',
        'http://[::1',
        '\u0000',
      ),
      fc.string({ maxLength: 30 }),
    ),
    { nil: undefined },
  ),
  body: fc.oneof(
    fc.constant(base),
    fc.nat({ max: base.length }).map((n) => base.slice(0, n)),
    fc
      .tuple(fc.nat({ max: base.length - 1 }), fc.integer({ min: 0, max: 255 }))
      .map(([i, b]) => base.map((x, j) => (j === i ? b : x))),
    fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 300 }),
  ),
});

function answerWith(a: Answer): Handler {
  return (req, res) => {
    const headers: Record<string, string> = {};
    if (a.contentType !== undefined) headers['content-type'] = a.contentType;
    const status = req.method === 'HEAD' ? a.headStatus : a.getStatus;
    if (status >= 300 && status < 400 && a.location !== undefined && !a.location.includes('\u0000'))
      headers['location'] = a.location;
    if (req.method === 'HEAD') {
      if (a.headLength !== undefined) headers['content-length'] = a.headLength;
      try {
        res.writeHead(status, headers).end();
      } catch {
        res.writeHead(status).end(); // a header value node refuses to send
      }
      return;
    }
    if (a.contentRange !== undefined) headers['content-range'] = a.contentRange;
    try {
      res.writeHead(status, headers).end(Buffer.from(a.body));
    } catch {
      res.writeHead(status).end(Buffer.from(a.body));
    }
  };
}

describe('preflightMedia under fuzzed answers', () => {
  it('never throws; fails only as MEDIA_ERROR with a known reason and a message', async () => {
    const reasons = new Set([
      'invalid_url',
      'unsupported_scheme',
      'private_address',
      'dns_failure',
      'too_many_redirects',
      'unreachable',
      'timeout',
      'http_status',
      'unsupported_content_type',
      'unsupported_format',
      'too_large',
      'unreadable_header',
      'aspect_ratio',
      'too_wide',
      'duration',
      'codec',
      'moov_not_at_front',
    ]);
    await fc.assert(
      fc.asyncProperty(
        answers,
        fc.constantFrom('feed_image', 'story_image', 'reel', 'story_video', 'reel_cover') as fc.Arbitrary<
          Parameters<typeof preflightMedia>[1]
        >,
        async (answer, target) => {
          route = answerWith(answer);
          const r = await preflightMedia(`http://${MEDIA_HOST}:${port}/m`, target, {
            lookup,
            allowHosts: [MEDIA_HOST],
            timeoutMs: 2000,
          });
          if (r.ok) return;
          expect(r.code).toBe('MEDIA_ERROR');
          expect(reasons.has(r.reason), `${r.reason} ${JSON.stringify(answer)}`).toBe(true);
          expect(r.message.length).toBeGreaterThan(0);
          expect(typeof r.retryable).toBe('boolean');
        },
      ),
      { numRuns: 150 },
    );
  });
});
