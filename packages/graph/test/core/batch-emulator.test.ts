/**
 * `GraphClient.batch` against @igkit/emulator over real sockets: items answered in order, JSONPath
 * dependencies, omitted and not-run items, item errors classified through the catalogue, and each item
 * counted against the account's rate budget.
 */
import { type RunningEmulator, startEmulator } from '@igkit/emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BatchItemResult } from '../../src/core/batch.js';
import { GraphClient } from '../../src/core/client.js';
import { Governor } from '../../src/core/governor.js';
import { coupledTime, EMULATOR_EPOCH } from '../helpers/emulator-time.js';

let emu: RunningEmulator;
let time: ReturnType<typeof coupledTime>;

beforeAll(async () => {
  emu = await startEmulator({ seed: 13, clock: { now: () => EMULATOR_EPOCH } });
});
afterAll(async () => {
  await emu?.close();
});
beforeEach(async () => {
  await emu.control.reset();
  time = coupledTime(emu, EMULATOR_EPOCH);
});

const IMG = 'https://cdn.example.com/batch.jpg';

async function account(settings: Record<string, unknown> = {}) {
  const a = await emu.control.createAccount({ username: 'batch_shop' });
  if (Object.keys(settings).length > 0) await emu.control.settings(a.igUserId, settings);
  return a;
}

const clientFor = (accessToken: string, extra: Partial<ConstructorParameters<typeof GraphClient>[0]> = {}) =>
  new GraphClient({
    accessToken,
    host: emu.url,
    clock: time.clock,
    sleep: time.sleep,
    random: () => 0.5,
    ...extra,
  });

const okBody = (r: BatchItemResult | undefined) => {
  if (r?.ok !== true) throw new Error(`expected a success, got ${JSON.stringify(r)}`);
  return r.body as Record<string, unknown>;
};

describe('GraphClient.batch against the emulator', () => {
  it('publishes through dependent items: the referenced items are omitted on success, the last one answers', async () => {
    const a = await account();
    const results = await clientFor(a.accessToken).batch([
      {
        method: 'POST',
        relativeUrl: `${a.igUserId}/media`,
        body: { image_url: IMG, caption: 'from a batch' },
        name: 'container',
      },
      {
        method: 'POST',
        relativeUrl: `${a.igUserId}/media_publish`,
        body: { creation_id: '{result=container:$.id}' },
        name: 'post',
      },
      { method: 'GET', relativeUrl: '{result=post:$.id}?fields=id,caption,media_type' },
    ]);
    expect(results.slice(0, 2)).toEqual([
      { ok: null, reason: 'omitted_on_success' },
      { ok: null, reason: 'omitted_on_success' },
    ]);
    const media = okBody(results[2]);
    expect(media).toMatchObject({ caption: 'from a batch', media_type: 'IMAGE' });
    const state = await emu.control.state();
    expect((state.media as Array<{ id: string }>).map((m) => m.id)).toEqual([media['id']]);
  });

  it('classifies a failed item through the catalogue; the other items succeed and the batch does not fail', async () => {
    const a = await account();
    const results = await clientFor(a.accessToken).batch([
      { method: 'GET', relativeUrl: `${a.igUserId}?fields=id,username` },
      { method: 'GET', relativeUrl: '98765432109876543?fields=id' },
      { method: 'GET', relativeUrl: `${a.igUserId}?fields=no_such_field` },
    ]);
    expect(results[0]).toMatchObject({
      ok: true,
      status: 200,
      body: { id: a.igUserId, username: 'batch_shop' },
    });
    expect(results[0]?.ok === true && results[0].headers['content-type']).toMatch(/application\/json/);
    expect(results[1]).toMatchObject({
      ok: false,
      status: 400,
      error: { name: 'GraphApiError', code: 100, subcode: 33, category: 'invalid_request', retryable: false },
    });
    expect(results[2]).toMatchObject({ ok: false, error: { code: 100, action: 'fix_request' } });
    expect(results[1]?.ok === false && results[1].error.fbtraceId).toBeTruthy();
  });

  it('an item whose dependency failed is not run (null, dependency_failed); keeps a response asked with omitResponseOnSuccess: false', async () => {
    const a = await account();
    const results = await clientFor(a.accessToken).batch([
      { method: 'GET', relativeUrl: `${a.igUserId}?fields=id`, name: 'me', omitResponseOnSuccess: false },
      { method: 'GET', relativeUrl: '{result=me:$.id}?fields=username' },
      { method: 'POST', relativeUrl: `${a.igUserId}/media`, body: { caption: 'no media url' }, name: 'bad' },
      { method: 'GET', relativeUrl: '{result=bad:$.id}?fields=status_code' },
      { method: 'GET', relativeUrl: `${a.igUserId}?fields=id`, dependsOn: 'bad' },
    ]);
    expect(okBody(results[0])).toEqual({ id: a.igUserId });
    expect(okBody(results[1])).toMatchObject({ username: 'batch_shop' });
    expect(results[2]).toMatchObject({ ok: false, status: 400, error: { category: 'invalid_request' } });
    expect(results.slice(3)).toEqual([
      { ok: null, reason: 'dependency_failed' },
      { ok: null, reason: 'dependency_failed' },
    ]);
  });

  it('every item counts against the account budget, and the governor learns it from the item headers', async () => {
    const a = await account({ bucCallBudget: 10 });
    const governor = new Governor({ clock: time.clock, sleep: time.sleep });
    const c = clientFor(a.accessToken, { accountId: a.igUserId, governor, retry: false });
    const item = { method: 'GET' as const, relativeUrl: `${a.igUserId}?fields=id` };
    const results = await c.batch(Array.from({ length: 12 }, () => item));
    // Budget 10: items 1–10 succeed, the 11th and 12th are refused with 80002 (each item is a call).
    expect(results.filter((r) => r.ok === true)).toHaveLength(10);
    expect(results.slice(10)).toMatchObject([
      { ok: false, error: { code: 80002, category: 'rate_limit', retryable: true } },
      { ok: false, error: { code: 80002, category: 'rate_limit' } },
    ]);
    const wait = results[10]?.ok === false ? results[10].error.retryAfterMs : undefined;
    expect(wait).toBeGreaterThan(0);
    // The governor holds the account for the regain time the refused items' own headers reported…
    const held = governor.state(`account:${a.igUserId}`);
    expect(held?.percent).toBeGreaterThanOrEqual(100);
    expect(held?.blockedUntil).toBe(EMULATOR_EPOCH + (wait ?? 0));
    // …so the next call waits it out before it is sent, and then succeeds.
    expect(await c.get(`/${a.igUserId}`, { fields: 'id' })).toEqual({ id: a.igUserId });
    expect(time.sleeps).toEqual([wait]);
  });

  it('refuses more than 50 items before any call, and an empty list makes none', async () => {
    const a = await account();
    let calls = 0;
    const c = clientFor(a.accessToken, {
      fetch: (input, init) => {
        calls += 1;
        return fetch(input, init);
      },
    });
    const items = Array.from({ length: 51 }, () => ({ method: 'GET' as const, relativeUrl: 'me' }));
    await expect(c.batch(items)).rejects.toThrow(/at most 50 items per batch, got 51/);
    expect(await c.batch([])).toEqual([]);
    expect(calls).toBe(0);
    expect(await c.batch(items.slice(0, 50))).toHaveLength(50);
    expect(calls).toBe(1);
  });
});
