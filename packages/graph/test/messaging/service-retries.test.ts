import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { TooManyRequestsError } from '../../src/messaging/errors.js';
import { createInstagramService } from '../../src/messaging/service.js';
import { graphError } from '../helpers/graph-error.js';
import { useNock } from '../helpers/nock.js';
import { recordingAudit, recordingSleep } from './helpers.js';

const GRAPH = 'https://graph.facebook.com';
const PATH = '/v26.0/me/messages';
const OK = { recipient_id: '42', message_id: 'mid.ok' };
const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);

useNock();

function make() {
  const sleep = recordingSleep();
  const audit = recordingAudit();
  const svc = createInstagramService({ accessToken: 'tok-000000', audit, sleep, now: () => NOW });
  return { svc, sleep, audit };
}

describe('retry schedule (injected sleep)', () => {
  it('5xx three times then success: sleeps 1000, 2000, 4000 and succeeds on attempt 4', async () => {
    const scope = nock(GRAPH).post(PATH).times(3).reply(500, graphError(1)).post(PATH).reply(200, OK);
    const { svc, sleep, audit } = make();
    await expect(svc.sendInstagramMessage('42', 'hi', 'c')).resolves.toEqual(OK);
    expect(sleep.calls).toEqual([1000, 2000, 4000]);
    expect(audit.audits[0]?.metadata.attempts).toBe(4);
    expect(scope.isDone()).toBe(true);
  });

  it('gives up after 4 attempts (3 retries), never a 5th request', async () => {
    const scope = nock(GRAPH).post(PATH).times(4).reply(503, {});
    const fifth = nock(GRAPH).post(PATH).reply(200, OK);
    const { svc, sleep } = make();
    await expect(svc.sendInstagramMessage('42', 'hi', 'c')).rejects.toMatchObject({
      name: 'InternalServerError',
    });
    expect(sleep.calls).toEqual([1000, 2000, 4000]);
    expect(scope.isDone()).toBe(true);
    expect(fifth.isDone()).toBe(false);
  });

  it('rate limit (400/613) then success: one retry after 1000 ms', async () => {
    nock(GRAPH).post(PATH).reply(400, graphError(613)).post(PATH).reply(200, OK);
    const { svc, sleep } = make();
    await expect(svc.sendInstagramMessage('42', 'hi', 'c')).resolves.toEqual(OK);
    expect(sleep.calls).toEqual([1000]);
  });

  it('HTTP 429 twice then success: 1000, 2000', async () => {
    nock(GRAPH).post(PATH).times(2).reply(429, {}).post(PATH).reply(200, OK);
    const { svc, sleep } = make();
    await expect(svc.sendInstagramMessage('42', 'hi', 'c')).resolves.toEqual(OK);
    expect(sleep.calls).toEqual([1000, 2000]);
  });

  it('network failure then success: one retry after 1000 ms', async () => {
    nock(GRAPH).post(PATH).replyWithError({ code: 'ECONNREFUSED' }).post(PATH).reply(200, OK);
    const { svc, sleep } = make();
    await expect(svc.sendInstagramMessage('42', 'hi', 'c')).resolves.toEqual(OK);
    expect(sleep.calls).toEqual([1000]);
  });

  it('mixed: network, 502, 429 then success → 1000, 2000, 4000', async () => {
    nock(GRAPH)
      .post(PATH)
      .replyWithError('socket hang up')
      .post(PATH)
      .reply(502, 'Bad Gateway')
      .post(PATH)
      .reply(429, {})
      .post(PATH)
      .reply(200, OK);
    const { svc, sleep } = make();
    await expect(svc.sendInstagramMessage('42', 'hi', 'c')).resolves.toEqual(OK);
    expect(sleep.calls).toEqual([1000, 2000, 4000]);
  });

  for (const [label, status, body] of [
    ['400/100', 400, graphError(100)],
    ['401', 401, graphError(190)],
    ['403', 403, graphError(200)],
    ['404', 404, {}],
    ['window', 400, graphError(10, { error_subcode: 2534022 })],
    ['422', 422, {}],
  ] as const) {
    it(`does not retry ${label}`, async () => {
      const scope = nock(GRAPH).post(PATH).reply(status, body);
      const second = nock(GRAPH).post(PATH).reply(200, OK);
      const { svc, sleep } = make();
      await expect(svc.sendInstagramMessage('42', 'hi', 'c')).rejects.toBeDefined();
      expect(sleep.calls).toEqual([]);
      expect(scope.isDone()).toBe(true);
      expect(second.isDone()).toBe(false);
    });
  }
  it('a sleep that rejects ends the retries with the failure being waited out (one audit event)', async () => {
    const scope = nock(GRAPH).post(PATH).reply(429, {}, { 'Retry-After': '5' });
    const later = nock(GRAPH).post(PATH).reply(200, OK);
    const audit = recordingAudit();
    const waits: number[] = [];
    const svc = createInstagramService({
      accessToken: 'tok-000000',
      audit,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.reject(new Error('shutting down'));
      },
    });
    const err = await svc.sendInstagramMessage('42', 'hi', 'c').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TooManyRequestsError);
    expect(err).toMatchObject({ retryAfterMs: 5000, details: { attempts: 1 } });
    expect(waits).toEqual([5000]);
    expect(scope.isDone()).toBe(true);
    expect(later.isDone()).toBe(false);
    expect(audit.audits).toHaveLength(1);
    expect(audit.audits[0]?.metadata).toMatchObject({ status: 429, error_code: 'RATE_LIMITED', attempts: 1 });
  });
});

describe('server-requested waits', () => {
  const cases: [string, Record<string, string>, number][] = [
    ['Retry-After seconds', { 'retry-after': '7' }, 7000],
    ['Retry-After 0', { 'retry-after': '0' }, 0],
    ['Retry-After HTTP date 30 s ahead', { 'retry-after': new Date(NOW + 30_000).toUTCString() }, 30_000],
    ['Retry-After HTTP date in the past', { 'retry-after': new Date(NOW - 5000).toUTCString() }, 0],
    ['Retry-After over the cap', { 'retry-after': '120' }, 60_000],
    ['Retry-After date over the cap', { 'retry-after': new Date(NOW + 3_600_000).toUTCString() }, 60_000],
    ['Retry-After garbage → backoff', { 'retry-after': 'soon' }, 1000],
    [
      'estimated_time_to_regain_access 0.5 min',
      {
        'x-business-use-case-usage': JSON.stringify({
          '17841400000000001': [{ type: 'instagram', call_count: 100, estimated_time_to_regain_access: 0.5 }],
        }),
      },
      30_000,
    ],
    [
      'estimated_time_to_regain_access 5 min → cap',
      {
        'x-business-use-case-usage': JSON.stringify({
          a: [{ type: 'messenger', estimated_time_to_regain_access: 5 }],
          b: [{ type: 'instagram', estimated_time_to_regain_access: 1 }],
        }),
      },
      60_000,
    ],
    [
      'estimated_time_to_regain_access 0 → backoff',
      { 'x-business-use-case-usage': JSON.stringify({ a: [{ estimated_time_to_regain_access: 0 }] }) },
      1000,
    ],
    ['malformed usage header → backoff', { 'x-business-use-case-usage': '{not json' }, 1000],
    [
      'Retry-After wins over estimated_time_to_regain_access',
      {
        'retry-after': '3',
        'x-business-use-case-usage': JSON.stringify({ a: [{ estimated_time_to_regain_access: 10 }] }),
      },
      3000,
    ],
  ];
  for (const [label, headers, expected] of cases) {
    it(`${label} → sleeps ${expected} ms`, async () => {
      nock(GRAPH).post(PATH).reply(400, graphError(80002), headers).post(PATH).reply(200, OK);
      const { svc, sleep, audit } = make();
      await expect(svc.sendInstagramMessage('42', 'hi', 'c')).resolves.toEqual(OK);
      expect(sleep.calls).toEqual([expected]);
      expect(audit.security[0]?.metadata.retry_after_ms).toBe(expected);
    });
  }

  it('Retry-After on a 503 sets the wait too', async () => {
    nock(GRAPH).post(PATH).reply(503, {}, { 'Retry-After': '2' }).post(PATH).reply(200, OK);
    const { svc, sleep } = make();
    await svc.sendInstagramMessage('42', 'hi', 'c');
    expect(sleep.calls).toEqual([2000]);
  });

  it('server waits apply per retry; attempts without one fall back to the backoff for that retry', async () => {
    nock(GRAPH)
      .post(PATH)
      .reply(429, {}, { 'Retry-After': '9' })
      .post(PATH)
      .reply(429, {})
      .post(PATH)
      .reply(429, {}, { 'Retry-After': '1' })
      .post(PATH)
      .reply(200, OK);
    const { svc, sleep } = make();
    await svc.sendInstagramMessage('42', 'hi', 'c');
    expect(sleep.calls).toEqual([9000, 2000, 1000]);
  });

  it('TooManyRequestsError after the last attempt carries retryAfterMs from Meta', async () => {
    nock(GRAPH).post(PATH).times(4).reply(429, {}, { 'Retry-After': '45' });
    const { svc, sleep } = make();
    const err = await svc.sendInstagramMessage('42', 'hi', 'c').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TooManyRequestsError);
    expect((err as TooManyRequestsError).retryAfterMs).toBe(45_000);
    expect(sleep.calls).toEqual([45_000, 45_000, 45_000]);
  });

  it('TooManyRequestsError without a server wait suggests the next backoff step', async () => {
    nock(GRAPH).post(PATH).times(4).reply(400, graphError(4));
    const { svc } = make();
    const err = (await svc
      .sendInstagramMessage('42', 'hi', 'c')
      .catch((e: unknown) => e)) as TooManyRequestsError;
    expect(err.retryAfterMs).toBe(4000);
  });
});
