/**
 * Waits for a condition that real background work (pg-boss workers, child processes, webhook deliveries) brings
 * about: polls `read` until `ok` holds. A bound on waiting, never a timing assertion.
 */
export async function until<T>(
  read: () => Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs = 60_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end)
      throw new Error(`condition not reached in ${timeoutMs} ms; last value: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
