/**
 * Reads a callback's response body up to a byte cap while it streams, then stops reading and
 * cancels the rest: a callback that answers with an endless (or huge) body cannot hold the
 * emulator's memory or a handshake hostage.
 */

/** Bytes of a callback's answer the emulator reads at most (a challenge is a few digits). */
export const CALLBACK_BODY_CAP = 64 * 1024;

/** The body as text, or `tooLarge` once more than `cap` bytes arrived (the stream is cancelled). */
export async function readCapped(
  res: Response,
  cap: number = CALLBACK_BODY_CAP,
): Promise<{ text: string; tooLarge: boolean }> {
  const reader = res.body?.getReader();
  if (reader === undefined) return { text: '', tooLarge: false };
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > cap) {
      await reader.cancel().catch(() => undefined);
      return { text: '', tooLarge: true };
    }
    chunks.push(value);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), tooLarge: false };
}
