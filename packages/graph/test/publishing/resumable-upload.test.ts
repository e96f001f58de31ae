import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PublishFailure } from '../../src/publishing/publish-errors.js';
import { resumableUpload } from '../../src/publishing/resumable-upload.js';

const URI = 'https://rupload.facebook.com/ig-api-upload/v26.0/123';

/** A fake rupload server committing bytes, optionally failing some requests. */
function server(opts: { failPosts?: number[]; neverProgress?: boolean } = {}) {
  let committed = 0;
  let posts = 0;
  const log: string[] = [];
  const fetchFn = (async (_url: string | URL | Request, init?: RequestInit) => {
    const h = new Headers(init?.headers);
    if (init?.method === 'GET') {
      log.push('GET');
      return Response.json({ offset: committed });
    }
    posts++;
    const offset = Number(h.get('offset'));
    const size = Number(h.get('file_size'));
    const len = (init?.body as Uint8Array | undefined)?.byteLength ?? 0;
    log.push(`POST ${offset}+${len} ${h.get('authorization')?.split(' ')[0]}`);
    if (opts.failPosts?.includes(posts)) {
      committed = Math.max(committed, offset + Math.floor(len / 2));
      throw new TypeError('fetch failed');
    }
    if (!opts.neverProgress) committed = Math.max(committed, offset + len);
    return committed >= size
      ? Response.json({ success: true })
      : Response.json({ success: false, offset: committed });
  }) as typeof fetch;
  return {
    fetch: fetchFn,
    log,
    get committed() {
      return committed;
    },
  };
}

const base = { accessToken: 'tok', graphBaseUrl: 'https://graph.facebook.com' };

describe('resumableUpload', () => {
  it('uploads in chunks with Authorization: OAuth, offset and file_size', async () => {
    const s = server();
    const r = await resumableUpload(
      URI,
      { data: new Uint8Array(25) },
      { ...base, fetch: s.fetch, chunkSize: 10 },
    );
    expect(r).toEqual({ bytes: 25, requests: 3, interruptions: 0 });
    expect(s.log).toEqual(['POST 0+10 OAuth', 'POST 10+10 OAuth', 'POST 20+5 OAuth']);
  });

  it('after a dropped connection asks for the committed offset and resumes there', async () => {
    const s = server({ failPosts: [1] });
    const r = await resumableUpload(URI, { data: new Uint8Array(100) }, { ...base, fetch: s.fetch });
    expect(r.interruptions).toBe(1);
    expect(s.log).toEqual(['POST 0+100 OAuth', 'GET', 'POST 50+50 OAuth']);
  });

  it('reads a local file by path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'igkit-up-'));
    const path = join(dir, 'v.mp4');
    await writeFile(path, Buffer.alloc(30, 7));
    const s = server();
    expect(await resumableUpload(URI, { path }, { ...base, fetch: s.fetch, chunkSize: 16 })).toMatchObject({
      bytes: 30,
    });
    expect(s.log).toEqual(['POST 0+16 OAuth', 'POST 16+14 OAuth']);
  });

  it('gives up after maxInterruptions with a retryable NETWORK_ERROR and the committed bytes', async () => {
    const s = server({ neverProgress: true });
    const err = await resumableUpload(
      URI,
      { data: new Uint8Array(10) },
      { ...base, fetch: s.fetch, maxInterruptions: 2 },
    ).catch((e) => e);
    expect(err).toBeInstanceOf(PublishFailure);
    expect(err.info).toMatchObject({
      code: 'NETWORK_ERROR',
      retryable: true,
      details: { committedBytes: 0, fileSize: 10 },
    });
  });

  it('never sends the token to an untrusted upload origin', async () => {
    const s = server();
    const err = await resumableUpload(
      'https://evil.example/upload',
      { data: new Uint8Array(1) },
      { ...base, fetch: s.fetch },
    ).catch((e) => e);
    expect(err.info).toMatchObject({ code: 'API_ERROR', details: { origin: 'https://evil.example' } });
    expect(s.log).toEqual([]);
  });

  it('checks the server offset first when resuming from a checkpoint', async () => {
    const s = server();
    await resumableUpload(URI, { data: new Uint8Array(10) }, { ...base, fetch: s.fetch, chunkSize: 4 });
    const again = server();
    const r = await resumableUpload(URI, { data: new Uint8Array(10) }, { ...base, fetch: again.fetch }, 4);
    expect(again.log[0]).toBe('GET');
    expect(r.bytes).toBe(10);
  });
});
