import { describe, expect, it } from 'vitest';
import { ARRIVAL_GRACE_MS, SendRateLimiter } from '../../src/messaging/rate.js';

function clock(t = 1_000_000) {
  return { now: () => t, set: (v: number) => (t = v) };
}

describe('SendRateLimiter', () => {
  it('allows 100 text sends per rolling second per account, then refuses with the wait', () => {
    const c = clock();
    const r = new SendRateLimiter(c);
    for (let i = 0; i < 100; i++) {
      c.set(1_000_000 + i * 5);
      expect(r.tryAcquire('a', 'text').ok).toBe(true);
    }
    const refused = r.tryAcquire('a', 'text');
    expect(refused).toEqual({
      ok: false,
      used: 100,
      limit: 100,
      retryAfterMs: 1000 - ARRIVAL_GRACE_MS - 495,
    });
    expect(r.tryAcquire('b', 'text').ok).toBe(true); // other account unaffected
    c.set(1_000_000 + 1000 - ARRIVAL_GRACE_MS - 1);
    expect(r.tryAcquire('a', 'text').ok).toBe(false);
    c.set(1_000_000 + 1000 - ARRIVAL_GRACE_MS); // first stamp (1_000_000) leaves the window
    expect(r.tryAcquire('a', 'text').ok).toBe(true);
    expect(r.tryAcquire('a', 'text').ok).toBe(false);
  });

  it('has a separate 10/s media bucket', () => {
    const c = clock();
    const r = new SendRateLimiter(c);
    for (let i = 0; i < 10; i++) expect(r.tryAcquire('a', 'media').ok).toBe(true);
    expect(r.tryAcquire('a', 'media').ok).toBe(false);
    expect(r.tryAcquire('a', 'text').ok).toBe(true);
    expect(r.usagePercent('a')).toBe(100);
  });

  it('limits private replies per hour and can be configured per account', () => {
    const c = clock();
    const r = new SendRateLimiter(c);
    r.configure('a', { privateRepliesPerHour: 2, textPerSecond: 1 });
    expect(r.tryAcquire('a', 'private_reply').ok).toBe(true);
    expect(r.tryAcquire('a', 'private_reply').ok).toBe(true);
    expect(r.tryAcquire('a', 'private_reply').ok).toBe(false);
    c.set(1_000_000 + 3_600_000);
    expect(r.tryAcquire('a', 'private_reply').ok).toBe(true);
    expect(r.tryAcquire('a', 'text').ok).toBe(true);
    expect(r.tryAcquire('a', 'text').ok).toBe(false);
    expect(() => r.configure('a', { textPerSecond: 0 })).toThrow(RangeError);
    r.reset();
    expect(r.limitsFor('a').textPerSecond).toBe(100);
  });
});
