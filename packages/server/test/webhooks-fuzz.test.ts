/**
 * Property: arbitrary bodies and headers thrown at the receiver never crash it, never get a 5xx for bad input,
 * and never get an unsigned (or wrongly signed) body processed.
 */
import { randomBytes } from 'node:crypto';
import { signWebhookBody } from '@igkit/graph/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listInbox } from '../src/store/inbox.js';
import { type Harness, harness } from './helpers/harness.js';
import { type Receiver, startReceiver } from './helpers/receiver.js';

describe('webhook receiver under fuzzed input', () => {
  let h: Harness;
  let rx: Receiver;
  beforeAll(async () => {
    h = await harness('pglite');
    rx = await startReceiver(h);
  });
  afterAll(async () => {
    await rx?.close();
    await h?.close();
  });

  const bodies = fc.oneof(
    fc.string({ maxLength: 400 }),
    fc.json({ maxDepth: 4 }),
    fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b).toString('latin1')),
    fc
      .record({
        object: fc.constantFrom('instagram', 'page', ''),
        entry: fc.array(fc.anything({ maxDepth: 3 }), { maxLength: 3 }),
      })
      .map((o) => JSON.stringify(o)),
  );
  const signature = fc.oneof(
    fc.constant(undefined),
    fc.string({ maxLength: 80 }),
    fc.uint8Array({ minLength: 32, maxLength: 32 }).map((x) => `sha256=${Buffer.from(x).toString('hex')}`),
    fc.constant('sha256='),
  );

  /** A 4xx in the receiver's error shape, naming the problem by its code. */
  async function expectNamed4xx(res: Response, where: string): Promise<void> {
    const text = await res.text();
    expect(res.status, `${where} → ${res.status} ${text.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
    expect(res.status, where).toBeLessThan(500);
    const json = JSON.parse(text) as { error: { code: string; message: string } };
    expect(json.error.code, where).toMatch(/^[A-Z_]+$/);
    expect(json.error.message.length, where).toBeGreaterThan(0);
  }

  const nasty = fc.constantFrom(
    '',
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x'.repeat(3000),
    '-1',
    '1e400',
    '9'.repeat(40),
  );
  const anyLeaf = fc.oneof(
    nasty,
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.jsonValue({ maxDepth: 2 }),
  );
  /** A live DM delivery with one leaf replaced (ids, mid, text, timestamps), signed: stored or refused, never 5xx. */
  const mutatedDelivery = fc
    .tuple(
      fc.constantFrom(
        ['entry', 0, 'id'],
        ['entry', 0, 'time'],
        ['entry', 0, 'messaging', 0, 'sender', 'id'],
        ['entry', 0, 'messaging', 0, 'recipient', 'id'],
        ['entry', 0, 'messaging', 0, 'timestamp'],
        ['entry', 0, 'messaging', 0, 'message', 'mid'],
        ['entry', 0, 'messaging', 0, 'message', 'text'],
        ['entry', 0, 'messaging', 0, 'message'],
        ['entry', 0, 'messaging', 0],
        ['entry', 0, 'changes'],
        ['object'],
      ),
      anyLeaf,
      fc.nat(),
    )
    .map(([path, value, n]) => {
      const body: Record<string, unknown> = {
        object: 'instagram',
        entry: [
          {
            id: h.account.igUserId,
            time: 1_700_000_000_000,
            messaging: [
              {
                sender: { id: '9001' },
                recipient: { id: h.account.igUserId },
                timestamp: 1_700_000_000_000,
                message: { mid: `m_fuzz_${n}`, text: 'hi' },
              },
            ],
          },
        ],
      };
      let at: Record<string | number, unknown> = body;
      for (const k of path.slice(0, -1)) at = at[k as string] as Record<string | number, unknown>;
      at[path[path.length - 1] as string] = value;
      return JSON.stringify(body);
    });

  it('stores or refuses (4xx naming the problem) signed deliveries with broken fields, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedDelivery, async (body) => {
        const res = await rx.signedPost(body);
        if (res.status === 200) return;
        await expectNamed4xx(res, body.slice(0, 300));
      }),
      { numRuns: 120 },
    );
  });

  it('answers the deliveries fuzzing found answered 503 with 400 UNSTORABLE_EVENT, or stores them', async () => {
    const base = () => ({
      object: 'instagram',
      entry: [
        {
          id: h.account.igUserId,
          time: 1_700_000_000_000,
          messaging: [
            {
              sender: { id: '9001' },
              recipient: { id: h.account.igUserId },
              timestamp: 1_700_000_000_000,
              message: { mid: 'm_regression', text: 'hi' },
            },
          ],
        },
      ],
    });
    const nulId = base();
    (nulId.entry[0] as { id: string }).id = 'a\u0000b';
    const nulObject = { ...base(), object: '\u0000' };
    const longMid = base();
    (longMid.entry[0]?.messaging[0]?.message as { mid: string }).mid = randomBytes(1500).toString('hex');
    for (const body of [nulId, nulObject, longMid]) {
      const res = await rx.signedPost(body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNSTORABLE_EVENT');
    }
    // A timestamp no date can hold: stored, without an event time.
    const farFuture = base();
    (farFuture.entry[0]?.messaging[0] as { timestamp: unknown }).timestamp = '9'.repeat(40);
    expect((await rx.signedPost(farFuture)).status).toBe(200);
    const stored = (await listInbox(h.db, { limit: 500 })).find((e) => e.dedupeKey.includes('m_regression'));
    expect(stored).toBeDefined();
    expect(stored?.eventAt).toBeUndefined();
  });

  it('answers 413 to an oversize body sent chunked (no content-length) and keeps serving', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > h.service.config.webhookMaxBytes * 2) controller.close();
        else {
          sent += chunk.length;
          controller.enqueue(chunk);
        }
      },
    });
    const res = await fetch(rx.url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
    expect((await rx.signedPost('{"object":"instagram","entry":[]}')).status).toBe(200);
  });

  it('refuses fuzzed handshakes and app callbacks with a 4xx, never 5xx', async () => {
    const text = fc.oneof(nasty, fc.string({ unit: 'binary', maxLength: 60 }));
    const enc = (s: string) => [...Buffer.from(s)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(fc.oneof(fc.constantFrom('hub.mode', 'hub.verify_token', 'hub.challenge'), text), text),
          {
            maxLength: 4,
          },
        ),
        text,
        text,
        async (pairs, form, code) => {
          const q = pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
          const hs = await fetch(`${rx.url}?${q}`);
          // 403, or the HTTP server's own 414/431 for a request line or headers too long.
          expect([403, 414, 431], q.slice(0, 200)).toContain(hs.status);
          await hs.body?.cancel();
          for (const path of ['deauthorize', 'data-deletion']) {
            const res = await fetch(`${rx.url}/${path}`, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: Math.random() < 0.5 ? form : `signed_request=${enc(form)}`,
            });
            await expectNamed4xx(res, `${path} ${form.slice(0, 100)}`);
          }
          await expectNamed4xx(await fetch(`${rx.url}/data-deletion/${enc(code) || 'x'}`), `status ${code}`);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('never crashes, never answers 5xx to bad input, never processes an unsigned body', async () => {
    await fc.assert(
      fc.asyncProperty(bodies, signature, fc.boolean(), async (body, sig, signIt) => {
        const headers: Record<string, string> = {};
        if (signIt) headers['x-hub-signature-256'] = signWebhookBody(body, h.account.appSecret);
        else if (sig !== undefined) headers['x-hub-signature-256'] = sig;
        const before = (await listInbox(h.db, { limit: 500 })).length;
        const res = await rx.post(body, headers);
        expect(res.status).toBeLessThan(500);
        const after = (await listInbox(h.db, { limit: 500 })).length;
        if (!signIt) {
          expect(res.status).toBe(401);
          expect(after).toBe(before);
        } else expect([200, 400]).toContain(res.status);
      }),
      { numRuns: 150 },
    );
    // Still alive and answering.
    const ok = await fetch(
      `${rx.url}?hub.mode=subscribe&hub.verify_token=${h.account.verifyToken}&hub.challenge=42`,
    );
    expect(await ok.text()).toBe('42');
  });
});
