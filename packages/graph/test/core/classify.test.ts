import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyGraphError, isRateLimitCode } from '../../src/core/classify.js';
import { ERROR_CATALOGUE, ERROR_CATALOGUE_VERSION } from '../../src/core/error-catalogue.js';

// Every (code, subcode) pair named in shared/reference/ig-publishing-api.md §4.2/4.3/5.3 and
// ig-messaging-webhooks.md §2.3/3.1. `undefined` subcode = the code on its own.
// biome-ignore format: a reference table reads better packed
const REFERENCE_PAIRS: ReadonlyArray<[number, number | undefined]> = [
  // publishing §4.2 general codes
  [1, undefined], [2, undefined], [3, undefined], [4, undefined], [10, undefined], [17, undefined],
  [24, undefined], [25, undefined], [32, undefined], [100, undefined], [102, undefined], [190, undefined],
  [200, undefined], [250, undefined], [299, undefined], [341, undefined], [368, undefined], [506, undefined],
  [613, undefined], [80001, undefined], [80002, undefined], [80006, undefined],
  // 190 subcodes
  [190, 458], [190, 459], [190, 460], [190, 463], [190, 464], [190, 467], [190, 492],
  // publishing §4.3
  [-2, 2207003], [-2, 2207020], [-1, 2207001], [-1, 2207032], [-1, 2207053], [1, 2207057], [4, 2207051],
  [9, 2207042], [24, 2207006], [24, 2207008], [25, 2207050], [100, 2207023], [100, 2207028], [100, 2207035],
  [100, 2207036], [100, 2207037], [100, 2207040], [352, 2207026], [9004, 2207052], [9007, 2207027],
  [36000, 2207004], [36001, 2207005], [36003, 2207009], [36004, 2207010],
  [100, 9050], [100, 9052], [100, 9054], [100, 9055], [100, 9056], [100, 9057], [100, 9058], [100, 9060],
  [100, 9062], [100, 9063], [100, 9064], [10, 9053],
  // publishing §5.3 BUC codes
  [80000, undefined], [80000, 2446079], [80003, undefined], [80004, undefined], [80005, undefined],
  [80008, undefined], [80009, undefined], [80014, undefined], [17, 2446079],
  // messaging §3.1 / §2.3
  [10, 2534022], [10, 2018278], [551, 1545041], [100, 2018001], [100, 2534014], [100, 2018047],
  [100, 2018008], [100, 2018109], [100, 2018294], [100, 2018074], [2, 2018344], [-1, 2018012],
  [10, 2534025], [100, 2534025],
];

describe('error catalogue', () => {
  it('has a version and well-formed, unique entries', () => {
    expect(ERROR_CATALOGUE_VERSION).toMatch(/^\d{4}-\d{2}-\d{2}\.\d+$/);
    const keys = ERROR_CATALOGUE.map((e) => `${e.code}/${e.codeMax ?? ''}/${e.subcode ?? ''}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const e of ERROR_CATALOGUE) {
      expect(e.explanation.length).toBeGreaterThan(10);
      if (e.action === 'fix_request' || e.action === 'reauthenticate' || e.action === 'give_up') {
        expect(e.retryable).toBe(false);
      }
      if (e.category === 'rate_limit') expect(e.action).toBe('backoff');
    }
  });

  it.each(REFERENCE_PAIRS)(
    'covers reference code %i / subcode %s from the catalogue itself',
    (code, subcode) => {
      const c = classifyGraphError({ status: 400, code, subcode });
      expect(['code+subcode', 'code', 'code-range']).toContain(c.matchedBy);
      if (subcode !== undefined) {
        const exact = ERROR_CATALOGUE.some((e) => e.code === code && e.subcode === subcode);
        expect(exact).toBe(true);
        expect(c.matchedBy).toBe('code+subcode');
      }
    },
  );
});

describe('classifyGraphError', () => {
  it('maps the messaging codes the brief names', () => {
    expect(classifyGraphError({ status: 400, code: 10, subcode: 2534022 })).toMatchObject({
      category: 'messaging_window',
      action: 'wait_for_window',
      retryable: false,
    });
    expect(classifyGraphError({ status: 400, code: 551, subcode: 1545041 })).toMatchObject({
      category: 'recipient',
      retryable: false,
    });
    expect(classifyGraphError({ status: 400, code: 100, subcode: 2018001 }).category).toBe('recipient');
    expect(classifyGraphError({ status: 400, code: 100, subcode: 2534014 }).category).toBe('recipient');
    expect(classifyGraphError({ status: 400, code: 100, subcode: 2534025 })).toMatchObject({
      category: 'messaging_window',
      action: 'give_up',
    });
    expect(classifyGraphError({ status: 400, code: 100, subcode: 2018109 }).category).toBe('media');
  });

  it('maps the publishing codes to categories publishing code can branch on', () => {
    expect(classifyGraphError({ status: 400, code: 9, subcode: 2207042 }).category).toBe('publishing_limit');
    expect(classifyGraphError({ status: 400, code: 9007, subcode: 2207027 })).toMatchObject({
      category: 'container',
      retryable: true,
    });
    expect(classifyGraphError({ status: 400, code: -2, subcode: 2207020 })).toMatchObject({
      category: 'container',
      action: 'fix_request',
    });
    expect(classifyGraphError({ status: 400, code: 36000, subcode: 2207004 }).category).toBe('media');
    expect(classifyGraphError({ status: 400, code: 190, subcode: 460 })).toMatchObject({
      category: 'auth',
      action: 'reauthenticate',
    });
    expect(classifyGraphError({ status: 403, code: 200 }).category).toBe('permission');
    expect(classifyGraphError({ status: 403, code: 273 }).matchedBy).toBe('code-range');
  });

  it('classifies every rate-limit code as rate_limit/backoff whatever the HTTP status', () => {
    const codes = [4, 17, 32, 341, 613, ...Array.from({ length: 15 }, (_, i) => 80000 + i)];
    for (const code of codes) {
      expect(isRateLimitCode(code)).toBe(true);
      for (const status of [400, 403, 500, 200]) {
        expect(classifyGraphError({ status, code })).toMatchObject({
          category: 'rate_limit',
          action: 'backoff',
        });
      }
    }
    for (const code of [undefined, 3, 100, 190, 80015, 612]) expect(isRateLimitCode(code)).toBe(false);
  });

  it('lookup order: (code, subcode), then code, then status, then is_transient, then unknown', () => {
    // exact pair beats code: 4 alone is a throttle, 4/2207051 is a spam restriction
    expect(classifyGraphError({ status: 400, code: 4, subcode: 2207051 }).matchedBy).toBe('code+subcode');
    expect(classifyGraphError({ status: 400, code: 4, subcode: 2207051 }).category).toBe('publishing_limit');
    // unknown subcode falls back to the code
    expect(classifyGraphError({ status: 400, code: 100, subcode: 1234567 })).toMatchObject({
      category: 'invalid_request',
      matchedBy: 'code',
    });
    // a known code beats the HTTP status
    expect(classifyGraphError({ status: 500, code: 100 }).category).toBe('invalid_request');
    // unknown code: HTTP status decides
    expect(classifyGraphError({ status: 503, code: 987654 })).toMatchObject({
      category: 'transient',
      action: 'retry',
      retryable: true,
      matchedBy: 'status',
    });
    expect(classifyGraphError({ status: 429 })).toMatchObject({ category: 'rate_limit', action: 'backoff' });
    expect(classifyGraphError({ status: 401 })).toMatchObject({ category: 'auth', action: 'reauthenticate' });
    // then is_transient
    expect(classifyGraphError({ status: 400, code: 987654, isTransient: true })).toMatchObject({
      category: 'transient',
      retryable: true,
      matchedBy: 'is_transient',
    });
    // then unknown
    expect(classifyGraphError({ status: 400, code: 987654 })).toMatchObject({
      category: 'unknown',
      action: 'give_up',
      retryable: false,
      matchedBy: 'unknown',
    });
  });

  it('rate-limit codes win over any HTTP status and any uncatalogued subcode (property)', () => {
    const catalogued = new Set(
      ERROR_CATALOGUE.filter((e) => e.subcode !== undefined).map((e) => `${e.code}/${e.subcode}`),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(4, 17, 32, 613, ...Array.from({ length: 14 }, (_, i) => 80001 + i)),
        fc.integer({ min: 100, max: 599 }),
        fc.option(fc.integer({ min: 0, max: 3_000_000 }), { nil: undefined }),
        fc.boolean(),
        (code, status, subcode, isTransient) => {
          fc.pre(subcode === undefined || !catalogued.has(`${code}/${subcode}`));
          expect(classifyGraphError({ status, code, subcode, isTransient })).toMatchObject({
            category: 'rate_limit',
            action: 'backoff',
            retryable: true,
          });
        },
      ),
    );
  });

  it('always returns a well-formed classification (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 999 }),
        fc.option(fc.integer(), { nil: undefined }),
        fc.option(fc.integer(), { nil: undefined }),
        fc.option(fc.boolean(), { nil: undefined }),
        (status, code, subcode, isTransient) => {
          const c = classifyGraphError({ status, code, subcode, isTransient });
          expect(c.explanation.length).toBeGreaterThan(0);
          if (c.action === 'fix_request' || c.action === 'reauthenticate' || c.action === 'give_up') {
            expect(c.retryable).toBe(false);
          }
          if (status >= 500 && status <= 599 && code === undefined) expect(c.category).toBe('transient');
        },
      ),
    );
  });
});
