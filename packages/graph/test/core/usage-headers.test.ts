import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasUsage, parseUsageHeaders } from '../../src/core/usage-headers.js';

const h = (init: Record<string, string>) => new Headers(init);

describe('parseUsageHeaders', () => {
  it('parses X-App-Usage percentages', () => {
    const s = parseUsageHeaders(h({ 'X-App-Usage': '{"call_count":28,"total_time":25,"total_cputime":91}' }));
    expect(s.app).toEqual({ callCount: 28, totalTime: 25, totalCputime: 91 });
    expect(s.maxPercent).toBe(91);
    expect(s.blockedForMs).toBe(0);
    expect(hasUsage(s)).toBe(true);
  });

  it('parses X-Business-Use-Case-Usage per business id and type, regain minutes → ms', () => {
    const s = parseUsageHeaders(
      h({
        'x-business-use-case-usage': JSON.stringify({
          '17841400000000001': [
            {
              type: 'instagram',
              call_count: 100,
              total_cputime: 25,
              total_time: 25,
              estimated_time_to_regain_access: 19,
            },
            {
              type: 'messenger',
              call_count: 3,
              total_cputime: 1,
              total_time: 2,
              estimated_time_to_regain_access: 0,
            },
          ],
          '999': [
            {
              type: 'pages',
              call_count: 40,
              total_cputime: 41,
              total_time: 42,
              estimated_time_to_regain_access: 2,
            },
          ],
        }),
      }),
    );
    expect(s.app).toBeUndefined();
    expect(s.businessUseCase['17841400000000001']).toEqual([
      { type: 'instagram', callCount: 100, totalCputime: 25, totalTime: 25, regainAccessMs: 19 * 60_000 },
      { type: 'messenger', callCount: 3, totalCputime: 1, totalTime: 2, regainAccessMs: 0 },
    ]);
    expect(s.businessUseCase['999']?.[0]?.regainAccessMs).toBe(120_000);
    expect(s.maxPercent).toBe(100);
    expect(s.blockedForMs).toBe(19 * 60_000);
  });

  it('combines both headers: maxPercent is the highest counter anywhere', () => {
    const s = parseUsageHeaders(
      h({
        'x-app-usage': '{"call_count":95}',
        'x-business-use-case-usage': '{"1":[{"type":"instagram","call_count":50}]}',
      }),
    );
    expect(s.app).toEqual({ callCount: 95, totalTime: 0, totalCputime: 0 });
    expect(s.maxPercent).toBe(95);
  });

  it('tolerates malformed values without throwing', () => {
    const cases: Record<string, string>[] = [
      {},
      { 'x-app-usage': '' },
      { 'x-app-usage': 'not json' },
      { 'x-app-usage': '[1,2]' },
      { 'x-app-usage': 'null' },
      { 'x-app-usage': '{"call_count":"abc","total_time":-5,"total_cputime":null}' },
      { 'x-business-use-case-usage': '{"1": "nope", "2": [null, 3, "x"], "3": {"call_count": 7}}' },
      { 'x-business-use-case-usage': '{"__proto__":[{"call_count":50}]}' },
    ];
    for (const init of cases) expect(() => parseUsageHeaders(h(init))).not.toThrow();
    expect(parseUsageHeaders(h({ 'x-app-usage': 'not json' })).app).toBeUndefined();
    expect(parseUsageHeaders(h({})).maxPercent).toBe(0);
    expect(hasUsage(parseUsageHeaders(h({})))).toBe(false);
    const odd = parseUsageHeaders(h({ 'x-app-usage': '{"call_count":"abc","total_time":-5}' }));
    expect(odd.app).toEqual({ callCount: 0, totalTime: 0, totalCputime: 0 });
    // a single object instead of an array is accepted; garbage entries are dropped
    const buc = parseUsageHeaders(h(cases[6]!));
    expect(Object.keys(buc.businessUseCase)).toEqual(['3']);
    expect(buc.businessUseCase['3']?.[0]).toMatchObject({ type: 'unknown', callCount: 7 });
    // "__proto__" is a plain key, not a prototype write
    const proto = parseUsageHeaders(h(cases[7]!));
    expect(Object.keys(proto.businessUseCase)).toEqual(['__proto__']);
    expect(proto.maxPercent).toBe(50);
  });

  it('a throwing header source yields an empty snapshot', () => {
    const s = parseUsageHeaders({
      get() {
        throw new Error('boom');
      },
    });
    expect(s.maxPercent).toBe(0);
  });

  it('never throws on arbitrary header text (property)', () => {
    const jsonish = fc.oneof(
      fc.string(),
      fc.json(),
      fc
        .dictionary(fc.string(), fc.array(fc.dictionary(fc.string(), fc.jsonValue())))
        .map((v) => JSON.stringify(v)),
    );
    fc.assert(
      fc.property(jsonish, jsonish, (app, buc) => {
        const source = {
          get: (name: string) =>
            name === 'x-app-usage' ? app : name === 'x-business-use-case-usage' ? buc : null,
        };
        const s = parseUsageHeaders(source);
        expect(Number.isFinite(s.maxPercent)).toBe(true);
        expect(s.maxPercent).toBeGreaterThanOrEqual(0);
        expect(s.blockedForMs).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });
});
