/** Reads a request body as raw bytes, refusing (without reading further) once it passes `limit` bytes. */
import type { IncomingMessage } from 'node:http';

export type RawBody = { ok: true; bytes: Buffer } | { ok: false; reason: 'too_large' | 'unreadable' };

export async function readRawBody(request: Request, limit: number): Promise<RawBody> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) return { ok: false, reason: 'too_large' };
  if (!request.body) return { ok: true, bytes: Buffer.alloc(0) };
  const reader = request.body.getReader();
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limit) {
        await reader.cancel().catch(() => {});
        return { ok: false, reason: 'too_large' };
      }
      chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
    }
  } catch {
    return { ok: false, reason: 'unreadable' };
  }
  return { ok: true, bytes: Buffer.concat(chunks, total) };
}

/**
 * The same, from node's own request stream when the app is served by @hono/node-server (`c.env.incoming`): no
 * web `Request`/`ReadableStream` is built around the body, which costs more CPU than the rest of the receiver's
 * parsing. Over the limit it stops reading and leaves the rest to the server's clean-up, so the 413 still goes out.
 */
export function readIncomingBody(incoming: IncomingMessage, limit: number): Promise<RawBody> {
  const declared = Number(incoming.headers['content-length'] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit)
    return Promise.resolve({ ok: false, reason: 'too_large' });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const done = (r: RawBody) => {
      incoming.off('data', onData).off('end', onEnd).off('error', onError).off('aborted', onError);
      resolve(r);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) {
        incoming.pause();
        done({ ok: false, reason: 'too_large' });
      } else chunks.push(chunk);
    };
    const onEnd = () => done({ ok: true, bytes: Buffer.concat(chunks, total) });
    const onError = () => done({ ok: false, reason: 'unreadable' });
    incoming.on('data', onData).on('end', onEnd).on('error', onError).on('aborted', onError);
  });
}
