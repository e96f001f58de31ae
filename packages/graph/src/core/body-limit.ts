/**
 * Bounded reading of response bodies. A Graph answer is a few KiB of JSON; a server (or a proxy in between)
 * that sends hundreds of MiB must not be buffered, and must not be downloaded again by a retry.
 */

/** Largest response body the client reads, in bytes. @default 4 MiB */
export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/**
 * Result of {@link readTextUpTo}: the text, or `tooLarge` once more than the cap arrived, or (only when a
 * deadline was given) `deadline` when a chunk arrived after it; the stream is then cancelled.
 */
export type CappedText =
  | { ok: true; text: string }
  | { ok: false; tooLarge: true; reason: 'too_large' }
  | { ok: false; tooLarge: false; reason: 'deadline' };

const TOO_LARGE = { ok: false, tooLarge: true, reason: 'too_large' } as const;

const decoder = new TextDecoder();

/**
 * Reads `response`'s body as UTF-8 text while counting bytes; past `maxBytes` (declared by `Content-Length` or
 * seen while streaming) it cancels the stream and returns `tooLarge` without reading further. With `deadline`
 * (a `performance.now()` value), a chunk that arrives after it ends the read the same way with `deadline`
 * (a stalled body is the transport's `bodyTimeout`; this bounds a trickling one).
 */
export async function readTextUpTo(
  response: Response,
  maxBytes: number,
  deadline?: number,
): Promise<CappedText> {
  const declared = response.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > maxBytes) {
    await response.body?.cancel().catch(() => {});
    return TOO_LARGE;
  }
  const body = response.body;
  if (!body) return { ok: true, text: '' };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      return TOO_LARGE;
    }
    if (deadline !== undefined && performance.now() > deadline) {
      await reader.cancel().catch(() => {});
      return { ok: false, tooLarge: false, reason: 'deadline' };
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return { ok: true, text: decoder.decode(chunks[0]) };
  const all = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  return { ok: true, text: decoder.decode(all) };
}
