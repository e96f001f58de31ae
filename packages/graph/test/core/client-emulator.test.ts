/**
 * The client against @igkit/emulator (the test double of record) over real sockets: Bearer auth,
 * appsecret_proof, Meta error envelopes, injected faults (rate limits, 5xx) and cursor paging.
 */
// Relative import: vitest.config.ts lacks ssr.resolve.conditions ['source'], so '@igkit/emulator' does not resolve in tests yet.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../../emulator/src/index.js';
import { GraphClient, type GraphClientOptions } from '../../src/core/client.js';
import type { GraphApiError } from '../../src/core/errors.js';
import { recordingSleep } from '../helpers/fake-time.js';

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu?.close();
});

const sleep = recordingSleep();
const sleeps = sleep.calls;
const clientFor = (opts: Partial<GraphClientOptions> & { accessToken: string }) =>
  new GraphClient({ host: emu.url, governor: false, sleep, random: () => 0.5, ...opts });

describe('GraphClient against the emulator', () => {
  it('authenticates with the Bearer header and a valid appsecret_proof', async () => {
    const a = await emu.control.createAccount({ username: 'proof_shop', requireAppSecretProof: true });
    const ok = clientFor({ accessToken: a.accessToken, appSecret: a.appSecret });
    const me = await ok.get<{ id: string; username: string }>(`/${a.igUserId}`, { fields: 'id,username' });
    expect(me).toMatchObject({ id: a.igUserId, username: 'proof_shop' });

    const noProof = clientFor({ accessToken: a.accessToken, retry: false });
    const err = (await noProof.get(`/${a.igUserId}`).catch((e: unknown) => e)) as GraphApiError;
    expect(err.name).toBe('GraphApiError');
    expect(err.retryable).toBe(false);
    expect(err.message).not.toContain(a.accessToken);
  });

  it('classifies an invalid token as auth / reauthenticate', async () => {
    const a = await emu.control.createAccount({});
    const err = (await clientFor({ accessToken: `${a.accessToken}x`, retry: false })
      .get(`/${a.igUserId}`)
      .catch((e: unknown) => e)) as GraphApiError;
    expect(err).toMatchObject({ code: 190, category: 'auth', action: 'reauthenticate' });
    expect(err.fbtraceId).toBeTruthy();
  });

  it('classifies an injected HTTP 400 code-4 throttle as rate_limit, and retries an injected 500', async () => {
    const a = await emu.control.createAccount({});
    const c = clientFor({ accessToken: a.accessToken, retry: false });
    await emu.control.setFault({ method: 'GET', path: `/${a.igUserId}`, status: 400, error: { code: 4 } });
    const err = (await c.get(`/${a.igUserId}`).catch((e: unknown) => e)) as GraphApiError;
    expect(err).toMatchObject({
      status: 400,
      code: 4,
      category: 'rate_limit',
      action: 'backoff',
      retryable: true,
    });

    await emu.control.setFault({ method: 'GET', path: `/${a.igUserId}`, status: 500, times: 2 });
    sleeps.length = 0;
    const retrying = clientFor({ accessToken: a.accessToken });
    expect(await retrying.get(`/${a.igUserId}`, { fields: 'id' })).toEqual({ id: a.igUserId });
    expect(sleeps).toEqual([250, 500]);
  });

  it('pages through published media with paginate()', async () => {
    const a = await emu.control.createAccount({});
    const c = clientFor({ accessToken: a.accessToken });
    const published: string[] = [];
    for (let i = 0; i < 5; i++) {
      const container = await c.post<{ id: string }>(`/${a.igUserId}/media`, {
        image_url: `https://cdn.example.com/p${i}.jpg?processMs=0`,
        caption: `post ${i}`,
      });
      const media = await c.post<{ id: string }>(`/${a.igUserId}/media_publish`, {
        creation_id: container.id,
      });
      published.push(media.id);
    }
    const seen: string[] = [];
    for await (const m of c.paginate<{ id: string }>(`/${a.igUserId}/media`, {
      fields: 'id,caption',
      limit: 2,
    })) {
      seen.push(m.id);
    }
    expect([...seen].sort()).toEqual([...published].sort());
    expect(seen).toHaveLength(5);
  });
});
