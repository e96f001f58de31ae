/** Small readers for preflight responses: a bounded body read and the total size from `Content-Range`. */

/** Reads at most `max` bytes of the body, then cancels the rest of the stream (the socket is released). */
export async function readUpTo(res: Response, max: number): Promise<Buffer> {
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    while (total < max) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(Buffer.from(value));
      total += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).subarray(0, max);
}

/** The complete length from a `Content-Range: bytes a-b/total` header, or `undefined`. */
export function totalFromContentRange(h: string | null): number | undefined {
  const m = h ? /\/(\d+)\s*$/.exec(h) : null;
  return m ? Number(m[1]) : undefined;
}
