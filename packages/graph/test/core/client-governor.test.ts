import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { GraphClient } from '../../src/core/client.js';
import { isGraphApiError } from '../../src/core/errors.js';
import { Governor } from '../../src/core/governor.js';
import { fakeTime } from '../helpers/fake-time.js';
import { useNock } from '../helpers/nock.js';

const TOKEN = 'EAAB-governor-token-42';
const FB = 'https://graph.facebook.com';

useNock();

const buc = (id: string, callCount: number, regainMinutes: number) => ({
  'x-business-use-case-usage': JSON.stringify({
    [id]: [
      {
        type: 'instagram',
        call_count: callCount,
        total_time: 10,
        total_cputime: 10,
        estimated_time_to_regain_access: regainMinutes,
      },
    ],
  }),
});

describe('GraphClient + Governor', () => {
  it('spaces calls out once X-App-Usage passes the threshold (waits via the injected sleep)', async () => {
    nock(FB)
      .get('/v26.0/me')
      .times(3)
      .reply(200, { id: '1' }, { 'x-app-usage': '{"call_count":95,"total_time":10,"total_cputime":10}' });
    const t = fakeTime();
    const c = new GraphClient({ accessToken: TOKEN, clock: t.clock, sleep: t.sleep, retry: false });
    await c.get('/me'); // learns 95 %
    await c.get('/me'); // goes at once, reserves the next slot
    await c.get('/me'); // waits
    // Default governor: threshold 90 %, spacing 250 ms at the threshold growing linearly to 5 000 ms at 100 %,
    // so 95 % is halfway: 250 + (5_000 − 250) × (95 − 90) / (100 − 90) = 2_625 ms.
    expect(t.sleeps).toEqual([2_625]);
  });

  it('holds the next call until estimated_time_to_regain_access has passed', async () => {
    nock(FB)
      .get('/v26.0/1784/media')
      .reply(200, { data: [] }, buc('1784', 100, 2))
      .get('/v26.0/1784/media')
      .reply(200, { data: [] });
    const t = fakeTime();
    const c = new GraphClient({
      accessToken: TOKEN,
      accountId: '1784',
      clock: t.clock,
      sleep: t.sleep,
      retry: false,
    });
    await c.get('/1784/media');
    await c.get('/1784/media');
    expect(t.sleeps).toEqual([120_000]);
  });

  it("onBlocked: 'fail' rejects without sending a request, with retryAfterMs", async () => {
    const scope = nock(FB)
      .get('/v26.0/1784/media')
      .reply(
        400,
        { error: { message: '(#80002) too many calls to this Instagram account', code: 80002 } },
        buc('1784', 100, 1),
      );
    const t = fakeTime();
    const c = new GraphClient({
      accessToken: TOKEN,
      accountId: '1784',
      clock: t.clock,
      sleep: t.sleep,
      retry: false,
      governor: new Governor({ onBlocked: 'fail', clock: t.clock, sleep: t.sleep }),
    });
    const first = await c.get('/1784/media').catch((e: unknown) => e);
    expect(first).toMatchObject({ code: 80002, category: 'rate_limit', retryAfterMs: 60_000 });
    expect(scope.isDone()).toBe(true);
    t.advance(15_000);
    const second = await c.get('/1784/media').catch((e: unknown) => e);
    expect(isGraphApiError(second)).toBe(true);
    expect(second).toMatchObject({ status: 429, category: 'rate_limit', retryAfterMs: 45_000 });
    expect(t.sleeps).toEqual([]);
  });

  it('a rate-limit error retried by the client waits for the governor hold too', async () => {
    nock(FB)
      .get('/v26.0/me')
      .reply(400, { error: { message: '(#17) User request limit reached', code: 17 } })
      .get('/v26.0/me')
      .reply(200, { id: 'ok' });
    const t = fakeTime();
    const c = new GraphClient({
      accessToken: TOKEN,
      clock: t.clock,
      sleep: t.sleep,
      random: () => 0.5,
      governor: new Governor({
        clock: t.clock,
        sleep: t.sleep,
        rateLimitHold: { baseMs: 2_000, maxMs: 10_000 },
      }),
    });
    expect(await c.get('/me')).toEqual({ id: 'ok' });
    // backoff sleep (250) then the rest of the 2 s governor hold
    expect(t.sleeps).toEqual([250, 1_750]);
  });

  it('a shared governor shares budgets between clients of the same app+token; governor: false opts out', async () => {
    nock(FB)
      .get('/v26.0/me')
      .times(3)
      .reply(200, {}, buc('9', 100, 1));
    const t = fakeTime();
    const shared = new Governor({ clock: t.clock, sleep: t.sleep });
    const a = new GraphClient({ accessToken: TOKEN, governor: shared, clock: t.clock, sleep: t.sleep });
    const b = new GraphClient({ accessToken: TOKEN, governor: shared, clock: t.clock, sleep: t.sleep });
    await a.get('/me');
    await b.get('/me');
    expect(t.sleeps).toEqual([60_000]);
    const off = new GraphClient({ accessToken: TOKEN, governor: false, clock: t.clock, sleep: t.sleep });
    await off.get('/me');
    expect(t.sleeps).toEqual([60_000]);
  });
});
