import { beforeEach, describe, expect, it } from 'vitest';
import { type Acct, type ErrBody, err, useHarness } from '../helpers/http.js';

const h = useHarness({ freeze: true });
let a: Acct;
beforeEach(async () => {
  a = await h.account();
  await h.settings(a.igUserId, { videoProcessingMs: 10_000 });
});

async function resumable(extra: Record<string, unknown> = {}): Promise<{ id: string; uri: string }> {
  const r = await h.createContainer(a, { media_type: 'REELS', upload_type: 'resumable', ...extra });
  expect(r.status).toBe(200);
  return r.body as { id: string; uri: string };
}

function upload(uri: string, headers: Record<string, string>, body?: Uint8Array) {
  return fetch(uri, {
    method: 'POST',
    headers: { authorization: `OAuth ${a.accessToken}`, ...headers },
    body,
  });
}

describe('resumable upload', () => {
  it('returns a rupload uri on this server; the container processes after the full upload', async () => {
    const { id, uri } = await resumable();
    expect(uri).toBe(`${h.url}/rupload/ig-api-upload/v26.0/${id}`);
    await h.advance(60_000);
    expect((await h.status(a, id)).body['status_code']).toBe('IN_PROGRESS');
    const bytes = new Uint8Array(1000).fill(7);
    const r = await upload(uri, { offset: '0', file_size: '1000' }, bytes);
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ success: true });
    expect((await h.status(a, id)).body['status_code']).toBe('IN_PROGRESS');
    await h.advance(10_000);
    expect((await h.status(a, id)).body['status_code']).toBe('FINISHED');
    expect((await h.publish(a, id)).status).toBe(200);
  });

  it('commits partial uploads; GET on the uri reports the committed offset; resume completes it', async () => {
    const { id, uri } = await resumable();
    const r1 = await upload(uri, { offset: '0', file_size: '1000' }, new Uint8Array(400));
    expect(await r1.json()).toMatchObject({ success: false, offset: 400, file_size: 1000 });
    const q = await fetch(uri, { headers: { authorization: `OAuth ${a.accessToken}` } });
    expect(await q.json()).toEqual({ offset: 400, file_size: 1000, complete: false });
    const gap = await upload(uri, { offset: '600', file_size: '1000' }, new Uint8Array(400));
    expect(gap.status).toBe(400);
    expect(((await gap.json()) as { error: { offset: number } }).error.offset).toBe(400);
    const overlap = await upload(uri, { offset: '300', file_size: '1000' }, new Uint8Array(700));
    expect(await overlap.json()).toMatchObject({ success: true });
    expect(await (await fetch(uri, { headers: { authorization: `OAuth ${a.accessToken}` } })).json()).toEqual(
      {
        offset: 1000,
        file_size: 1000,
        complete: true,
      },
    );
    await h.advance(10_000);
    expect((await h.status(a, id)).body['status_code']).toBe('FINISHED');
  });

  it('commits the bytes received before the client went away', async () => {
    const { uri } = await resumable();
    const ctrl = new AbortController();
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      async pull(c) {
        if (sent >= 3) {
          await new Promise((r) => setTimeout(r, 50));
          ctrl.abort();
          return;
        }
        sent++;
        c.enqueue(new Uint8Array(100));
      },
    });
    await expect(
      fetch(uri, {
        method: 'POST',
        headers: { authorization: `OAuth ${a.accessToken}`, offset: '0', file_size: '1000' },
        body: stream,
        signal: ctrl.signal,
        duplex: 'half',
      } as RequestInit),
    ).rejects.toThrow();
    let state: { offset: number } = { offset: 0 };
    for (let i = 0; i < 50 && state.offset === 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
      state = (await (await fetch(uri, { headers: { authorization: `OAuth ${a.accessToken}` } })).json()) as {
        offset: number;
      };
    }
    expect(state.offset).toBe(300);
  });

  it('accepts a file_url header instead of bytes (hints apply)', async () => {
    const { id, uri } = await resumable();
    const r = await upload(uri, { file_url: 'https://cdn.example.com/v.mp4?format=avi' });
    expect(await r.json()).toMatchObject({ success: true });
    await h.advance(10_000);
    const s = await h.status(a, id);
    expect(s.body['status_code']).toBe('ERROR');
    expect(s.body['status']).toContain('2207026');
  });

  it('requires the owner’s token and a valid file_size; Instagram Login cannot use it', async () => {
    const { uri } = await resumable();
    const noToken = await fetch(uri, { method: 'POST' });
    expect(((await noToken.json()) as ErrBody).error.code).toBe(104);
    const b = await h.account();
    const foreign = await fetch(uri, {
      method: 'POST',
      headers: { authorization: `OAuth ${b.accessToken}`, file_size: '1' },
    });
    expect(foreign.status).toBe(400);
    expect((await upload(uri, {}, new Uint8Array(1))).status).toBe(400);
    const ig = await h.account({ loginType: 'instagram' });
    const r = await h.createContainer(ig, { media_type: 'REELS', upload_type: 'resumable' });
    expect(err(r).code).toBe(100);
  });
});
