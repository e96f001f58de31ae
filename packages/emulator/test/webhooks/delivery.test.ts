import { afterEach, describe, expect, it } from 'vitest';
import { WebhookDeliveryQueue, type WebhookEvent } from '../../src/webhooks/delivery.js';
import { nextAttemptAt, RETRY_HORIZON_MS } from '../../src/webhooks/retry-schedule.js';
import { FakeTime } from '../helpers/fake-time.js';
import { startReceiver, verifySignature256 } from './receiver.js';

const SECRET = 'app-secret-1';
type Receiver = Awaited<ReturnType<typeof startReceiver>>;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup(
  opts: {
    timeoutMs?: number;
    maxBatch?: number;
    logCapacity?: number;
    maxPendingPerApp?: number;
    maxRetrying?: number;
  } = {},
) {
  const receiver = await startReceiver();
  const clock = new FakeTime(1_763_900_000_000);
  const queue = new WebhookDeliveryQueue({ clock, ...opts });
  cleanups.push(
    () => queue.close(),
    () => receiver.close(),
  );
  const target = { appId: 'app1', callbackUrl: receiver.url, appSecret: SECRET };
  return { receiver, clock, queue, target };
}

function msg(accountId: string, n: number): WebhookEvent {
  return {
    accountId,
    kind: 'messaging',
    field: 'messages',
    item: {
      sender: { id: 'u1' },
      recipient: { id: accountId },
      timestamp: n,
      message: { mid: `m${n}`, text: `hé ${n}` },
    },
  };
}

function body(r: Receiver, i: number) {
  return JSON.parse(r.received[i]!.raw.toString('utf8')) as {
    object: string;
    entry: Array<{ id: string; time: number; messaging?: unknown[]; changes?: unknown[] }>;
  };
}

describe('WebhookDeliveryQueue', () => {
  it('POSTs a signed {object:instagram, entry} body that verifies on the raw bytes', async () => {
    const { receiver, queue, target, clock } = await setup();
    queue.enqueue(target, [msg('ig1', 1)]);
    await receiver.waitFor(1);
    const r = receiver.received[0]!;
    expect(r.headers['content-type']).toBe('application/json');
    expect(verifySignature256(r.raw, r.headers['x-hub-signature-256'], SECRET)).toBe(true);
    expect(verifySignature256(r.raw, r.headers['x-hub-signature-256'], 'wrong')).toBe(false);
    expect(r.headers['x-hub-signature']).toMatch(/^sha1=[0-9a-f]{40}$/);
    expect(r.raw.toString('latin1')).toContain('h\\u00e9 1');
    const b = body(receiver, 0);
    expect(b.object).toBe('instagram');
    expect(b.entry).toEqual([
      { id: 'ig1', time: clock.now(), messaging: [expect.objectContaining({ timestamp: 1 })] },
    ]);
    await queue.idle();
    expect(queue.log.list()).toMatchObject([
      { attempt: 1, ok: true, status: 200, outcome: 'delivered', eventCount: 1 },
    ]);
  });

  it('batches updates queued together, one entry per account, changes in seconds', async () => {
    const { receiver, queue, target, clock } = await setup();
    const change: WebhookEvent = {
      accountId: 'ig1',
      kind: 'changes',
      field: 'comments',
      item: { field: 'comments', value: { id: 'c1' } },
    };
    queue.enqueue(target, [msg('ig1', 1)]);
    queue.enqueue(target, [msg('ig2', 2), msg('ig1', 3), change]);
    await receiver.waitFor(1);
    await queue.idle();
    expect(receiver.received).toHaveLength(1);
    const b = body(receiver, 0);
    expect(b.entry.map((e) => [e.id, e.messaging?.length, e.changes?.length])).toEqual([
      ['ig1', 2, undefined],
      ['ig2', 1, undefined],
      ['ig1', undefined, 1],
    ]);
    expect(b.entry[2]!.time).toBe(Math.floor(clock.now() / 1000));
    expect(queue.log.list()[0]).toMatchObject({
      eventCount: 4,
      fields: ['messages', 'comments'],
      accountIds: ['ig1', 'ig2'],
    });
  });

  it('sends updates queued while a POST is in flight as the next batch, capped at maxBatch', async () => {
    const { receiver, queue, target } = await setup({ maxBatch: 3 });
    receiver.setRespond(() => 'hang');
    queue.enqueue(target, [msg('ig1', 0)]);
    await receiver.waitFor(1);
    for (let i = 1; i <= 5; i++) queue.enqueue(target, [msg('ig1', i)]);
    receiver.setRespond(() => 200);
    receiver.release(200);
    await receiver.waitFor(3);
    await queue.idle();
    expect(receiver.received.map((_, i) => body(receiver, i).entry[0]!.messaging!.length)).toEqual([1, 3, 2]);
  });

  it('retries a 500 immediately, then on the emulated clock, and logs every attempt', async () => {
    const { receiver, queue, target, clock } = await setup();
    let calls = 0;
    receiver.setRespond(() => (++calls <= 2 ? 500 : 200));
    queue.enqueue(target, [msg('ig1', 1)]);
    await receiver.waitFor(2); // first attempt + immediate retry, no clock movement needed
    await queue.idle();
    expect(receiver.received).toHaveLength(2);
    const log1 = queue.log.list();
    expect(log1.map((r) => [r.attempt, r.status, r.error, r.outcome])).toEqual([
      [1, 500, 'http_status', 'retry_scheduled'],
      [2, 500, 'http_status', 'retry_scheduled'],
    ]);
    expect(log1[1]!.nextAttemptAt).toBe(clock.now() + 10_000);
    clock.advance(9_999);
    queue.runDue();
    await queue.idle();
    expect(receiver.received).toHaveLength(2);
    clock.advance(1);
    queue.runDue();
    await receiver.waitFor(3);
    await queue.idle();
    expect(queue.log.list().at(-1)).toMatchObject({
      attempt: 3,
      ok: true,
      status: 200,
      outcome: 'delivered',
    });
    expect(receiver.received[2]!.raw.equals(receiver.received[0]!.raw)).toBe(true);
    expect(queue.retryingCount).toBe(0);
  });

  it('treats a timeout and a dropped connection as failures to retry', async () => {
    const { receiver, queue, target } = await setup({ timeoutMs: 100 });
    let calls = 0;
    receiver.setRespond(() => (++calls === 1 ? 'hang' : calls === 2 ? 'destroy' : 200));
    queue.enqueue(target, [msg('ig1', 1)]);
    await receiver.waitFor(2);
    await queue.idle();
    expect(queue.log.list().map((r) => [r.status, r.error])).toEqual([
      [null, 'timeout'],
      [null, 'connection'],
    ]);
  });

  it('gives up once the next attempt would fall past 36 h', async () => {
    const { receiver, queue, target, clock } = await setup();
    receiver.setRespond(() => 503);
    queue.enqueue(target, [msg('ig1', 1)]);
    await receiver.waitFor(1);
    for (let i = 0; i < 40; i++) {
      await queue.idle();
      if (queue.retryingCount === 0) break;
      clock.advance(3 * 60 * 60_000);
      queue.runDue();
    }
    await queue.idle();
    const log = queue.log.list();
    expect(log.at(-1)!.outcome).toBe('gave_up');
    expect(log.at(-1)!.at - log[0]!.at).toBeLessThanOrEqual(RETRY_HORIZON_MS);
    expect(log.at(-1)!.at - log[0]!.at).toBeGreaterThan(RETRY_HORIZON_MS - 12 * 60 * 60_000);
    expect(log.slice(0, -1).every((r) => r.outcome === 'retry_scheduled')).toBe(true);
    expect(queue.retryingCount).toBe(0);
  });

  it('drops the oldest updates past maxPendingPerApp and logs them as overflow', async () => {
    const { receiver, queue, target } = await setup({ maxPendingPerApp: 3 });
    receiver.setRespond(() => 'hang');
    queue.enqueue(target, [msg('ig1', 0)]);
    await receiver.waitFor(1); // the lane is busy: later updates wait
    queue.enqueue(
      target,
      [1, 2, 3, 4, 5].map((n) => msg('ig1', n)),
    );
    expect(queue.log.list()).toMatchObject([
      { attempt: 0, ok: false, error: 'overflow', outcome: 'gave_up', eventCount: 2, accountIds: ['ig1'] },
    ]);
    receiver.setRespond(() => 200);
    receiver.release(200);
    await receiver.waitFor(2);
    await queue.idle();
    const kept = body(receiver, 1).entry[0]!.messaging!.map((m) => (m as { timestamp: number }).timestamp);
    expect(kept).toEqual([3, 4, 5]);
  });

  it('keeps at most maxRetrying failed batches, dropping the oldest as overflow', async () => {
    const { receiver, queue, target } = await setup({ maxRetrying: 2 });
    receiver.setRespond(() => 500);
    for (const appId of ['a1', 'a2', 'a3']) {
      queue.enqueue({ ...target, appId }, [msg('ig1', 1)]);
      await receiver.waitFor(receiver.received.length + 2); // first attempt + immediate retry
      await queue.idle();
    }
    expect(queue.retryingCount).toBe(2);
    const overflow = queue.log.list().filter((r) => r.error === 'overflow');
    expect(overflow).toMatchObject([{ appId: 'a1', attempt: 2, outcome: 'gave_up', eventCount: 1 }]);
  });

  it('keeps the log bounded', async () => {
    const { receiver, queue, target } = await setup({ logCapacity: 3 });
    for (let i = 0; i < 5; i++) {
      queue.enqueue(target, [msg('ig1', i)]);
      await receiver.waitFor(i + 1);
      await queue.idle();
    }
    const log = queue.log.list();
    expect(log).toHaveLength(3);
    expect(log.map((r) => r.seq)).toEqual([3, 4, 5]);
  });
});

describe('nextAttemptAt', () => {
  it('is immediate after the first failure, then spaced out, and undefined past 36 h', () => {
    expect(nextAttemptAt(0, 0, 1)).toBe(0);
    expect(nextAttemptAt(0, 0, 2)).toBe(10_000);
    expect(nextAttemptAt(0, 100, 3)).toBe(60_100);
    expect(nextAttemptAt(0, RETRY_HORIZON_MS - 1000, 9)).toBeUndefined();
    expect(nextAttemptAt(0, 0, 0)).toBeUndefined();
  });
});
