import { describe, expect, it } from 'vitest';
import { UsageMeter } from '../../src/core/usage.js';
import { err, useHarness } from '../helpers/http.js';

const h = useHarness();

function usage(r: { headers: Headers }, igUserId: string) {
  return {
    app: JSON.parse(r.headers.get('x-app-usage') ?? 'null') as Record<string, number>,
    buc: (
      JSON.parse(r.headers.get('x-business-use-case-usage') ?? 'null') as Record<
        string,
        Record<string, number>[]
      >
    )[igUserId]?.[0],
  };
}

describe('usage headers and throttling', () => {
  it('reports call_count percentages of the configured budgets on every Graph response', async () => {
    const a = await h.account();
    await h.settings(a.igUserId, { bucCallBudget: 20, appCallBudget: 50 });
    let r = await h.req('GET', `/v26.0/${a.igUserId}`, { token: a.accessToken });
    expect(usage(r, a.igUserId).buc).toMatchObject({
      type: 'instagram',
      call_count: 5,
      estimated_time_to_regain_access: 0,
    });
    expect(usage(r, a.igUserId).app).toEqual({ call_count: 2, total_time: 2, total_cputime: 2 });
    for (let i = 0; i < 9; i++) r = await h.req('GET', `/v26.0/${a.igUserId}`, { token: a.accessToken });
    expect(usage(r, a.igUserId).buc?.['call_count']).toBe(50);
    // errors are metered too
    r = await h.req('GET', `/v26.0/${a.igUserId}?fields=nope`, { token: a.accessToken });
    expect(r.status).toBe(400);
    expect(usage(r, a.igUserId).buc?.['call_count']).toBe(55);
  });

  it('past 100 % of the BUC budget answers 80002 (HTTP 400) until the window recovers', async () => {
    const a = await h.account();
    await h.settings(a.igUserId, { bucCallBudget: 5, bucWindowMs: 3600_000 });
    for (let i = 0; i < 5; i++)
      expect((await h.req('GET', `/v26.0/${a.igUserId}`, { token: a.accessToken })).status).toBe(200);
    const r = await h.req('GET', `/v26.0/${a.igUserId}`, { token: a.accessToken });
    expect(r.status).toBe(400);
    expect(err(r)).toMatchObject({ code: 80002, is_transient: true });
    const buc = usage(r, a.igUserId).buc!;
    expect(buc['call_count']).toBeGreaterThanOrEqual(100);
    expect(buc['estimated_time_to_regain_access']).toBeGreaterThan(0);
    expect(buc['estimated_time_to_regain_access']).toBeLessThanOrEqual(60);
    await h.advance(30 * 60_000);
    expect(err(await h.req('GET', `/v26.0/${a.igUserId}`, { token: a.accessToken })).code).toBe(80002);
    await h.advance(61 * 60_000);
    const ok = await h.req('GET', `/v26.0/${a.igUserId}`, { token: a.accessToken });
    expect(ok.status).toBe(200);
  });

  it('past the app budget answers code 4', async () => {
    const a = await h.account();
    await h.settings(a.igUserId, { appCallBudget: 2 });
    await h.req('GET', `/v26.0/${a.igUserId}`, { token: a.accessToken });
    await h.req('GET', `/v26.0/${a.igUserId}`, { token: a.accessToken });
    const r = await h.req('GET', `/v26.0/${a.igUserId}`, { token: a.accessToken });
    expect(err(r)).toMatchObject({ code: 4 });
    expect(usage(r, a.igUserId).app['call_count']).toBeGreaterThanOrEqual(100);
  });

  it('Page-token calls also spend the Page budget: a pages entry, and 32 past 100 % until it recovers', async () => {
    const a = await h.account();
    await h.settings(a.igUserId, { pageCallBudget: 4, pageWindowMs: 3600_000 });
    const page = () => h.req('GET', `/v26.0/${a.pageId}?fields=id`, { token: a.pageAccessToken });
    const first = await page();
    const buc = JSON.parse(first.headers.get('x-business-use-case-usage')!) as Record<
      string,
      Record<string, number | string>[]
    >;
    expect(buc[a.pageId]).toEqual([
      {
        type: 'pages',
        call_count: 25,
        total_cputime: 25,
        total_time: 25,
        estimated_time_to_regain_access: 0,
      },
    ]);
    expect(buc[a.igUserId]![0]).toMatchObject({ type: 'instagram' });
    for (let i = 0; i < 3; i++) expect((await page()).status).toBe(200);
    const r = await page();
    expect(r.status).toBe(400);
    expect(err(r)).toMatchObject({ code: 32, is_transient: true });
    const pages = (
      JSON.parse(r.headers.get('x-business-use-case-usage')!) as Record<string, Record<string, number>[]>
    )[a.pageId]![0]!;
    expect(pages['call_count']).toBeGreaterThanOrEqual(100);
    expect(pages['estimated_time_to_regain_access']).toBeGreaterThan(0);
    // The user token is not charged to the Page budget.
    expect((await h.req('GET', `/v26.0/${a.igUserId}`, { token: a.accessToken })).status).toBe(200);
    await h.advance(61 * 60_000);
    expect((await page()).status).toBe(200);
  });

  it('user-token responses carry no pages entry', async () => {
    const a = await h.account();
    const r = await h.req('GET', `/v26.0/${a.igUserId}`, { token: a.accessToken });
    expect(Object.keys(JSON.parse(r.headers.get('x-business-use-case-usage')!))).toEqual([a.igUserId]);
  });

  it('control-plane calls carry no usage headers and are not metered', async () => {
    const r = await h.req('GET', '/__emulator/state');
    expect(r.headers.get('x-app-usage')).toBeNull();
  });
});

describe('UsageMeter', () => {
  it('keeps at most ~100 buckets per key however many calls are recorded', () => {
    let now = 0;
    const m = new UsageMeter(() => now);
    for (let i = 0; i < 20_000; i++) {
      now += 997;
      m.record('k', 3600_000);
    }
    expect(m.size().keys).toBe(1);
    expect(m.size().buckets).toBeLessThanOrEqual(101);
    expect(m.count('k', 3600_000)).toBeGreaterThan(3500);
    expect(m.count('k', 3600_000)).toBeLessThanOrEqual(3612);
  });

  it('computes the time until the window drops below a budget', () => {
    let now = 1_000_000;
    const m = new UsageMeter(() => now);
    for (let i = 0; i < 10; i++) m.record('k', 1000);
    expect(m.msUntilBelow('k', 1000, 20)).toBe(0);
    const wait = m.msUntilBelow('k', 1000, 5);
    expect(wait).toBeGreaterThan(0);
    now += wait;
    expect(m.count('k', 1000)).toBeLessThan(5);
  });
});
