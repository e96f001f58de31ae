import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the test receiver got. */
export interface Received {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  raw: Buffer;
}

/** How the receiver answers one request; return `'hang'` to never answer, `'destroy'` to drop the socket. */
export type Responder = (req: Received, res: ServerResponse) => number | 'hang' | 'destroy' | 'handled';

/**
 * A local webhook callback over a real socket, as a user's server would be. GET answers Meta's
 * handshake when `hub.verify_token` equals `verifyToken`; POSTs are recorded and answered by
 * `respond` (default 200).
 */
export async function startReceiver(options: { verifyToken?: string; respond?: Responder } = {}) {
  const received: Received[] = [];
  const handshakes: URL[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  let respond: Responder = options.respond ?? (() => 200);
  let verifyToken = options.verifyToken ?? 'verify-me';
  let challengeMutator: (c: string) => string = (c) => c;
  let handshakeResponder: ((res: ServerResponse) => void) | undefined;
  const hung: ServerResponse[] = [];
  let aborted = 0;
  const abortWaiters: Array<{ n: number; resolve: () => void }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (req.method === 'GET') {
        handshakes.push(url);
        if (handshakeResponder !== undefined) {
          handshakeResponder(res);
          return;
        }
        const ok =
          url.searchParams.get('hub.mode') === 'subscribe' &&
          url.searchParams.get('hub.verify_token') === verifyToken;
        res.writeHead(ok ? 200 : 403, { 'content-type': 'text/plain' });
        res.end(ok ? challengeMutator(url.searchParams.get('hub.challenge') ?? '') : 'forbidden');
        return;
      }
      const r: Received = { method: req.method ?? '', url, headers: req.headers, raw: Buffer.concat(chunks) };
      received.push(r);
      const posts = received.length;
      for (const w of [...waiters]) {
        if (posts >= w.n) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
      const action = respond(r, res);
      if (action === 'handled') return;
      if (action === 'hang') {
        hung.push(res);
        res.on('close', () => {
          if (res.writableFinished) return;
          aborted++; // the sender went away before we answered
          for (const w of [...abortWaiters]) {
            if (aborted >= w.n) {
              abortWaiters.splice(abortWaiters.indexOf(w), 1);
              w.resolve();
            }
          }
        });
        return;
      }
      if (action === 'destroy') {
        req.socket.destroy();
        return;
      }
      res.writeHead(action, { 'content-type': 'text/plain' });
      res.end(action === 200 ? 'EVENT_RECEIVED' : 'error');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    received,
    /** Query URLs of the verification GETs received. */
    handshakes,
    /** Resolves once at least `n` POSTs arrived. */
    waitFor(n: number): Promise<void> {
      if (received.length >= n) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
    /** Resolves once at least `n` hung POSTs were closed by the sender before being answered. */
    waitForAbort(n: number): Promise<void> {
      if (aborted >= n) return Promise.resolve();
      return new Promise((resolve) => abortWaiters.push({ n, resolve }));
    },
    setRespond(r: Responder) {
      respond = r;
    },
    setVerifyToken(t: string) {
      verifyToken = t;
    },
    setChallengeMutator(m: (c: string) => string) {
      challengeMutator = m;
    },
    /** Answers handshake GETs by hand (e.g. an endless body). */
    setHandshakeResponder(r: ((res: ServerResponse) => void) | undefined) {
      handshakeResponder = r;
    },
    /** Answers every hung request with `status`. */
    release(status = 200) {
      for (const res of hung.splice(0)) {
        res.writeHead(status);
        res.end();
      }
    },
    async close() {
      for (const res of hung.splice(0)) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Verifies `X-Hub-Signature-256` over the raw bytes as a receiver should (timing-safe). */
export function verifySignature256(
  raw: Buffer,
  header: string | string[] | undefined,
  secret: string,
): boolean {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(raw).digest('hex'), 'utf8');
  const got = Buffer.from(header.slice('sha256='.length), 'utf8');
  return got.length === expected.length && timingSafeEqual(got, expected);
}
