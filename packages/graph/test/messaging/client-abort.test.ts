/** `signal` on MessagingClient sends: in the limiter, before the attempt, and during the HTTP attempt. */
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { MessagingClient } from '../../src/messaging/client.js';
import type { MessagingClientOptions, UnknownOutcomeResult } from '../../src/messaging/client-types.js';
import { ServiceUnavailableError } from '../../src/messaging/errors.js';
import { SendLimiter } from '../../src/messaging/limiter.js';
import { useNock } from '../helpers/nock.js';
import { FakeClock, recordingSleep, settle } from './helpers.js';

const IG = 'https://graph.instagram.com';
const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const OPEN = { conversation: { lastUserMessageAt: NOW - 60_000 } };
const OK = { recipient_id: 'U1', message_id: 'mid.1' };

useNock();

function client(extra: Partial<MessagingClientOptions> = {}) {
  const sleep = recordingSleep();
  const c = new MessagingClient({
    accessToken: 'IGAAtoken-abort-0001',
    login: 'instagram',
    clock: { now: () => NOW },
    sleep,
    limiter: false,
    ...extra,
  });
  return { c, sleep };
}

describe('MessagingClient with an AbortSignal', () => {
  it('aborting while queued in the limiter rejects with the signal reason and never calls Meta', async () => {
    const scope = nock(IG).post('/v26.0/me/messages').reply(200, OK);
    const clock = new FakeClock();
    const limiter = new SendLimiter({
      rates: { text: { limit: 1, intervalMs: 1000 } },
      clock,
      sleep: clock.sleep,
    });
    const { c } = client({ limiter, igUserId: 'IG-ABORT' });
    await expect(c.sendText('U1', 'first', OPEN)).resolves.toMatchObject({ outcome: 'sent' });
    const ctrl = new AbortController();
    const pending = c.sendText('U1', 'second', { ...OPEN, signal: ctrl.signal }).catch((e: unknown) => e);
    expect(limiter.queued('IG-ABORT', 'text')).toBe(1);
    const reason = new Error('caller gave up');
    ctrl.abort(reason);
    await expect(pending).resolves.toBe(reason);
    expect(limiter.queued('IG-ABORT', 'text')).toBe(0);
    expect(scope.isDone()).toBe(true);
  });

  it('an already-aborted signal ends as ServiceUnavailableError ABORTED without a request', async () => {
    const scope = nock(IG).post('/v26.0/me/messages').reply(200, OK);
    const { c, sleep } = client();
    const err = await c
      .sendText('U1', 'hi', { ...OPEN, signal: AbortSignal.abort(), correlationId: 'corr-ab' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect(err).toMatchObject({
      code: 'ABORTED',
      correlationId: 'corr-ab',
      details: { reason: 'aborted', requestSent: 'no', attempts: 1 },
    });
    expect(scope.isDone()).toBe(false);
    expect(sleep.calls).toEqual([]);
  });

  it('aborting during the HTTP attempt: a message becomes outcome unknown, a sender action rejects', async () => {
    // A fetch that never answers: it settles only when its signal aborts (no wall-clock delay involved).
    const started: AbortSignal[] = [];
    const hanging = ((_url: unknown, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        const signal = init?.signal as AbortSignal;
        started.push(signal);
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      })) as typeof fetch;
    const { c, sleep } = client({ fetch: hanging });

    const textCtrl = new AbortController();
    const text = c.sendText('U1', 'maybe delivered', { ...OPEN, signal: textCtrl.signal });
    await until(() => started.length === 1);
    textCtrl.abort();
    const res = (await text) as UnknownOutcomeResult;
    expect(res).toMatchObject({ outcome: 'unknown', attempts: 1, kind: 'text' });
    expect(res.error).toMatchObject({ code: 'ABORTED', details: { requestSent: 'maybe' } });

    const actionCtrl = new AbortController();
    const action = c.senderAction('U1', 'typing_on', { ...OPEN, signal: actionCtrl.signal });
    await until(() => started.length === 2);
    actionCtrl.abort();
    await expect(action).rejects.toMatchObject({ name: 'ServiceUnavailableError', code: 'ABORTED' });
    expect(sleep.calls).toEqual([]);
  });

  it('aborting during a retry wait ends the send at once, even with a sleep that ignores signals (issue 12)', async () => {
    nock(IG).post('/v26.0/me/messages').reply(429, {}, { 'Retry-After': '60' });
    const later = nock(IG).post('/v26.0/me/messages').reply(200, OK);
    const clock = new FakeClock(NOW);
    // A sleep that only the fake clock can end, and that never looks at the signal.
    const deaf = (ms: number): Promise<void> => clock.sleep(ms);
    const { c } = client({ sleep: deaf, clock });
    const ctrl = new AbortController();
    const pending = c.sendText('U1', 'hi', { ...OPEN, signal: ctrl.signal }).catch((e: unknown) => e);
    await until(() => clock.pending === 1);
    expect(clock.sleeps).toEqual([60_000]);
    ctrl.abort(new Error('caller gave up'));
    const err = await pending;
    expect(err).toMatchObject({ name: 'TooManyRequestsError', code: 'RATE_LIMITED' });
    expect(clock.now()).toBe(NOW); // no virtual time passed: the wait ended on the abort, not on the timer
    expect(later.isDone()).toBe(false);
  });
});

/** Turns the event loop until `done()` holds (bounded; no timers). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !done(); i++) await settle();
  expect(done()).toBe(true);
}
