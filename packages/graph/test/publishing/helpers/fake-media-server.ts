/** An injectable `fetch` serving in-memory files with HEAD and Range support, and a request log. */

export interface FakeFile {
  body: Buffer;
  contentType?: string;
  /** Status for HEAD (e.g. 405 for servers without HEAD). */
  headStatus?: number;
  /** Ignore Range and answer 200 with the full body. */
  ignoreRange?: boolean;
  /** Answer every request with this status. */
  status?: number;
  /** Redirect to this URL. */
  redirectTo?: string;
  /** Omit Content-Length on HEAD. */
  noLength?: boolean;
  /** Never answer (until aborted). */
  hang?: boolean;
}

export interface FakeRequest {
  method: string;
  url: string;
  range?: string | null;
}

export function fakeMediaFetch(files: Record<string, FakeFile>) {
  const log: FakeRequest[] = [];
  const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input instanceof Request ? input.url : input);
    const method = (init?.method ?? 'GET').toUpperCase();
    const headers = new Headers(init?.headers);
    log.push({ method, url, range: headers.get('range') });
    const f = files[url];
    if (!f) return new Response('not found', { status: 404 });
    if (f.hang) {
      return new Promise<Response>((_, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal!.reason));
      });
    }
    if (f.redirectTo) return new Response(null, { status: 302, headers: { location: f.redirectTo } });
    if (f.status) return new Response('err', { status: f.status });
    const h = new Headers();
    if (f.contentType) h.set('content-type', f.contentType);
    if (method === 'HEAD') {
      if (!f.noLength) h.set('content-length', String(f.body.length));
      return new Response(null, { status: f.headStatus ?? 200, headers: h });
    }
    const range = headers.get('range');
    const m = range ? /bytes=(\d+)-(\d+)/.exec(range) : null;
    if (m && !f.ignoreRange) {
      const from = Number(m[1]);
      const to = Math.min(Number(m[2]), f.body.length - 1);
      h.set('content-range', `bytes ${from}-${to}/${f.body.length}`);
      return new Response(f.body.subarray(from, to + 1), { status: 206, headers: h });
    }
    return new Response(f.body, { status: 200, headers: h });
  }) as typeof fetch;
  return { fetch: fetchFn, log };
}
