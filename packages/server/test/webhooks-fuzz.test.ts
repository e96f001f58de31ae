/**
 * Property: arbitrary bodies and headers thrown at the receiver never crash it, never get a 5xx for bad input,
 * and never get an unsigned (or wrongly signed) body processed.
 */
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
