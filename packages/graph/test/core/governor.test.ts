import { describe, expect, it } from 'vitest';
import { GraphApiError, isGraphApiError } from '../../src/core/errors.js';
import { Governor } from '../../src/core/governor.js';
import { emptyUsageSnapshot, parseUsageHeaders, type UsageSnapshot } from '../../src/core/usage-headers.js';
import { fakeTime, recordingSleep } from '../helpers/fake-time.js';

const appUsage = (pct: number): UsageSnapshot =>
  parseUsageHeaders(
    new Headers({ 'x-app-usage': JSON.stringify({ call_count: pct, total_time: 1, total_cputime: 1 }) }),
  );
const bucUsage = (id: string, pct: number, regainMin = 0): UsageSnapshot =>
  parseUsageHeaders(
    new Headers({
      'x-business-use-case-usage': JSON.stringify({
        [id]: [
          {
            type: 'instagram',
            call_count: pct,
            total_time: 1,
            total_cputime: 1,
            estimated_time_to_regain_access: regainMin,
          },
        ],
      }),
    }),
  );
const rateLimitError = (extra: { code?: number; retryAfterMs?: number } = {}) =>
  new GraphApiError({
    status: 400,
    message: 'too many calls',
    code: extra.code ?? 4,
    retryAfterMs: extra.retryAfterMs,
  });

const APP = Governor.appKey('https://graph.facebook.com', 'token-A');

describe('Governor', () => {
  it('keys apps by a hash of base URL + token, never the raw token', () => {
    expect(APP).toMatch(/^app:[0-9a-f]{16}$/);
    expect(APP).not.toContain('token-A');
    expect(Governor.appKey('https://graph.facebook.com', 'token-B')).not.toBe(APP);
    expect(Governor.appKey('http://127.0.0.1:1', 'token-A')).not.toBe(APP);
  });

  it('lets calls through immediately below the threshold', async () => {
    const t = fakeTime();
    const g = new Governor({ clock: t.clock, sleep: t.sleep });
    g.observe({ app: APP }, appUsage(89));
    for (let i = 0; i < 5; i++) await g.acquire({ app: APP });
    expect(t.sleeps).toEqual([]);
  });

  it('spaces calls out above the threshold, more as usage grows', async () => {
    const t = fakeTime();
    const g = new Governor({ clock: t.clock, sleep: t.sleep, minSpacingMs: 100, maxSpacingMs: 1_100 });
    expect(g.spacingFor(89)).toBe(0);
    expect(g.spacingFor(90)).toBe(100);
    expect(g.spacingFor(95)).toBe(600);
    expect(g.spacingFor(100)).toBe(1_100);
    expect(g.spacingFor(140)).toBe(1_100);

    g.observe({ app: APP }, appUsage(95));
    await g.acquire({ app: APP }); // first call goes at once and reserves the next slot
    await g.acquire({ app: APP });
    await g.acquire({ app: APP });
    expect(t.sleeps).toEqual([600, 600]);

    g.observe({ app: APP }, appUsage(100));
    await g.acquire({ app: APP });
    await g.acquire({ app: APP });
    expect(t.sleeps.slice(2)).toEqual([600, 1_100]);
  });

  it('a request that counts as n calls (a batch) starts like one call and reserves n slots after it', async () => {
    const t = fakeTime();
    const g = new Governor({ clock: t.clock, sleep: t.sleep, minSpacingMs: 100, maxSpacingMs: 1_100 });
    g.observe({ app: APP }, appUsage(95)); // 600 ms per call
    await g.acquire({ app: APP }, undefined, 5); // at once
    await g.acquire({ app: APP }, undefined, 2); // after 5 slots: 3 000 ms
    await g.acquire({ app: APP }); // after 2 slots: 1 200 ms
    expect(t.sleeps).toEqual([3_000, 1_200]);
  });

  it('spaces concurrent callers one after another', async () => {
    const t = fakeTime();
    // Sleeps that do not move the clock: all three callers reserve their slots at the same instant.
    const sleep = recordingSleep();
    const g = new Governor({ clock: t.clock, sleep, minSpacingMs: 200, maxSpacingMs: 200 });
    g.observe({ app: APP }, appUsage(99));
    await Promise.all([g.acquire({ app: APP }), g.acquire({ app: APP }), g.acquire({ app: APP })]);
    expect(sleep.calls).toEqual([200, 400]);
  });

  it('respects the threshold option and ignores snapshots without usage headers', async () => {
    const t = fakeTime();
    const g = new Governor({
      clock: t.clock,
      sleep: t.sleep,
      threshold: 50,
      minSpacingMs: 10,
      maxSpacingMs: 10,
    });
    g.observe({ app: APP }, appUsage(60));
    g.observe({ app: APP }, emptyUsageSnapshot());
    expect(g.state(APP)?.percent).toBe(60);
    await g.acquire({ app: APP });
    await g.acquire({ app: APP });
    expect(t.sleeps).toEqual([10]);
  });

  it('holds calls until the BUC regain time when Meta reports a block', async () => {
    const t = fakeTime();
    const g = new Governor({ clock: t.clock, sleep: t.sleep });
    const scope = { app: APP, account: '1784' };
    g.observe(scope, bucUsage('1784', 100, 3));
    expect(g.state('account:1784')?.blockedUntil).toBe(t.clock.now() + 180_000);
    await g.acquire(scope);
    expect(t.sleeps[0]).toBe(180_000);
    // another account of the same app is not held
    const before = t.sleeps.length;
    await g.acquire({ app: APP, account: '2000' });
    expect(t.sleeps.length).toBe(before + 0);
  });

  it("onBlocked: 'fail' fails fast with a rate_limit GraphApiError carrying retryAfterMs", async () => {
    const t = fakeTime();
    const g = new Governor({ clock: t.clock, sleep: t.sleep, onBlocked: 'fail' });
    g.observe({ app: APP }, bucUsage('55', 100, 2));
    t.advance(30_000);
    const err = await Promise.resolve(g.acquire({ app: APP })).catch((e: unknown) => e);
    expect(isGraphApiError(err)).toBe(true);
    expect(err).toMatchObject({ category: 'rate_limit', action: 'backoff', retryAfterMs: 90_000 });
    expect(t.sleeps).toEqual([]);
    t.advance(90_000);
    expect(g.acquire({ app: APP })).toBeUndefined(); // starts at once: no promise, no wait;
  });

  it('maxHoldMs turns long holds into fast failures even in wait mode', async () => {
    const t = fakeTime();
    const g = new Governor({ clock: t.clock, sleep: t.sleep, maxHoldMs: 60_000 });
    g.observe({ app: APP }, bucUsage('1', 100, 5));
    await expect(g.acquire({ app: APP })).rejects.toMatchObject({ retryAfterMs: 300_000 });
  });

  it('a rate-limit error blocks for retryAfterMs, or for a growing hold when Meta gave no time', async () => {
    const t = fakeTime();
    const g = new Governor({
      clock: t.clock,
      sleep: t.sleep,
      rateLimitHold: { baseMs: 1_000, maxMs: 3_000 },
    });
    const scope = { app: APP };
    g.observeError(scope, rateLimitError({ retryAfterMs: 7_000 }));
    await g.acquire(scope);
    expect(t.sleeps).toEqual([7_000]);
    for (let i = 0; i < 3; i++) {
      g.observeError(scope, rateLimitError());
      await g.acquire(scope);
    }
    expect(t.sleeps.slice(1)).toEqual([1_000, 2_000, 3_000]);
    g.observeSuccess(scope);
    g.observeError(scope, rateLimitError());
    await g.acquire(scope);
    expect(t.sleeps.at(-1)).toBe(1_000);
  });

  it('BUC error codes block the account, app-level codes block the app; other errors do nothing', async () => {
    const t = fakeTime();
    const g = new Governor({ clock: t.clock, sleep: t.sleep, onBlocked: 'fail' });
    g.observeError({ app: APP, account: 'A' }, rateLimitError({ code: 80002, retryAfterMs: 5_000 }));
    await expect(g.acquire({ app: APP, account: 'A' })).rejects.toMatchObject({ retryAfterMs: 5_000 });
    expect(g.acquire({ app: APP, account: 'B' })).toBeUndefined(); // starts at once: no promise, no wait;
    g.observeError({ app: APP, account: 'B' }, rateLimitError({ code: 4, retryAfterMs: 1_000 }));
    await expect(g.acquire({ app: APP, account: 'C' })).rejects.toMatchObject({ retryAfterMs: 1_000 });
    const other = Governor.appKey('https://graph.facebook.com', 'other');
    g.observeError({ app: other }, new GraphApiError({ status: 400, message: 'bad', code: 100 }));
    expect(g.acquire({ app: other })).toBeUndefined(); // starts at once: no promise, no wait;
  });

  it('an abort during a hold rejects with the signal reason', async () => {
    const t = fakeTime();
    const g = new Governor({ clock: t.clock, sleep: t.sleep });
    g.observe({ app: APP }, bucUsage('1', 100, 1));
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(g.acquire({ app: APP }, controller.signal)).rejects.toThrow('stop');
  });
});
