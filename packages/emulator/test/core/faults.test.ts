import { describe, expect, it } from 'vitest';
import { err, useHarness } from '../helpers/http.js';

const h = useHarness();

const IMG = { image_url: 'https://cdn.example.com/a.jpg' };

describe('error faults', () => {
  it('injects a Meta error `times` times on a wildcard path, then behaves normally', async () => {
    const a = await h.account();
    await h.control('POST', '/faults', {
      method: 'POST',
      path: '/*/media',
      times: 2,
      error: { code: 2, error_subcode: 1234, is_transient: true },
      status: 503,
    });
    for (let i = 0; i < 2; i++) {
      const r = await h.createContainer(a, IMG);
      expect(r.status).toBe(503);
      expect(err(r)).toMatchObject({ code: 2, error_subcode: 1234, is_transient: true });
    }
    expect((await h.createContainer(a, IMG)).status).toBe(200);
    expect((await h.state())['containers']).toHaveLength(1);
  });

  it('defaults: status only → code 1 transient; times 0 = until cleared; method filter', async () => {
    const a = await h.account();
    await h.control('POST', '/faults', { method: 'GET', path: `/${a.igUserId}`, status: 500, times: 0 });
    for (let i = 0; i < 3; i++) {
      const r = await h.req('GET', `/v26.0/${a.igUserId}`, { token: a.accessToken });
      expect(r.status).toBe(500);
      expect(err(r)).toMatchObject({ code: 1, is_transient: true });
    }
    expect((await h.createContainer(a, IMG)).status).toBe(200);
    await h.req('DELETE', '/__emulator/faults');
    expect((await h.req('GET', `/v26.0/${a.igUserId}`, { token: a.accessToken })).status).toBe(200);
  });

  it('a rate-limit fault carries usage headers with estimated_time_to_regain_access', async () => {
    const a = await h.account();
    await h.control('POST', '/faults', {
      path: '*',
      error: { code: 80002, estimated_time_to_regain_access: 7 },
    });
    const r = await h.req('GET', `/v26.0/${a.igUserId}`, { token: a.accessToken });
    expect(r.status).toBe(400);
    expect(err(r).code).toBe(80002);
    const buc = JSON.parse(r.headers.get('x-business-use-case-usage')!);
    expect(buc[a.igUserId][0]).toMatchObject({
      type: 'instagram',
      call_count: 100,
      estimated_time_to_regain_access: 7,
    });
  });

  it.each([
    [4, 0],
    [17, 3],
    [32, 5],
    [613, 2],
    [80002, 9],
  ])(
    'a throttling fault with code %i answers HTTP 400, transient, with usage headers at 100 %%',
    async (code, minutes) => {
      const a = await h.account();
      await h.control('POST', '/faults', {
        path: `/${a.igUserId}`,
        error: { code, estimated_time_to_regain_access: minutes },
      });
      const r = await h.req('GET', `/v26.0/${a.igUserId}`, { token: a.accessToken });
      expect(r.status).toBe(400);
      expect(err(r)).toMatchObject({ code, is_transient: true });
      const app = JSON.parse(r.headers.get('x-app-usage')!) as Record<string, number>;
      expect(app['call_count']).toBe(code === 4 ? 100 : 0);
      const buc = JSON.parse(r.headers.get('x-business-use-case-usage')!) as Record<
        string,
        Record<string, number>[]
      >;
      expect(buc[a.igUserId]![0]).toMatchObject({
        call_count: 100,
        estimated_time_to_regain_access: minutes,
      });
      expect((await h.req('GET', `/v26.0/${a.igUserId}`, { token: a.accessToken })).status).toBe(200);
    },
  );

  it('validates fault input', async () => {
    expect((await h.req('POST', '/__emulator/faults', { body: { status: 500 } })).status).toBe(400);
    expect(
      (await h.req('POST', '/__emulator/faults', { body: { path: '*', container: 'melted' } })).status,
    ).toBe(400);
    expect((await h.req('POST', '/__emulator/faults', { body: { path: '*', error: {} } })).status).toBe(400);
  });
});

describe('dropAfterCommit', () => {
  it('publishes, then drops the connection; a retry gets Meta’s error and no second post', async () => {
    const a = await h.account();
    const c = await h.container(a, IMG);
    await h.control('POST', '/faults', { method: 'POST', path: '/:ig/media_publish', dropAfterCommit: true });
    await expect(h.publish(a, c)).rejects.toThrow();
    const status = await h.status(a, c);
    expect(status.body['status_code']).toBe('PUBLISHED');
    const retry = await h.publish(a, c);
    expect(err(retry)).toMatchObject({ code: 9007, error_subcode: 2207027 });
    const st = await h.state();
    expect(st['media']).toHaveLength(1);
    expect(st['duplicatePublishes']).toEqual([
      expect.objectContaining({ containerId: c, igUserId: a.igUserId, attempts: 1 }),
    ]);
  });
});

describe('container faults', () => {
  it("'stuck' keeps a container IN_PROGRESS until it expires", async () => {
    const a = await h.account();
    await h.control('POST', '/faults', { path: '/*/media', container: 'stuck' });
    const c = await h.container(a, IMG);
    await h.advance(23 * 3600_000);
    expect((await h.status(a, c)).body['status_code']).toBe('IN_PROGRESS');
    expect(err(await h.publish(a, c))).toMatchObject({ code: 9007, error_subcode: 2207027 });
    await h.advance(3600_000);
    expect((await h.status(a, c)).body['status_code']).toBe('EXPIRED');
  });

  it("'error' ends the container in ERROR with the subcode in status", async () => {
    const a = await h.account();
    await h.control('POST', '/faults', { path: '/*/media', container: 'error' });
    const c = await h.container(a, { media_type: 'REELS', video_url: 'https://cdn.example.com/v.mp4' });
    await h.advance(60_000);
    const s = await h.status(a, c);
    expect(s.body['status_code']).toBe('ERROR');
    expect(s.body['status']).toContain('2207001');
  });
});

describe('latency', () => {
  it('delays the response (observed as a client timeout) without changing it', async () => {
    const a = await h.account();
    await h.control('POST', '/faults', { path: `/${a.igUserId}`, latencyMs: 3000 });
    await expect(
      fetch(`${h.url}/v26.0/${a.igUserId}`, {
        headers: { authorization: `Bearer ${a.accessToken}` },
        signal: AbortSignal.timeout(100),
      }),
    ).rejects.toThrow();
    await h.control('POST', '/faults', { path: `/${a.igUserId}`, latencyMs: 1 });
    expect((await h.req('GET', `/v26.0/${a.igUserId}`, { token: a.accessToken })).status).toBe(200);
  });
});
