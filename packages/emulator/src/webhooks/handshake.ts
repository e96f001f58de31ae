/**
 * Meta's subscription verification: a GET to the callback with `hub.mode=subscribe`,
 * `hub.challenge` (an integer) and `hub.verify_token`; the callback must answer 200 with exactly
 * the challenge. Failures use Meta's codes 2200 (callback failed) and 2201 (challenge mismatch).
 * https://developers.facebook.com/docs/graph-api/webhooks/getting-started#verification-requests
 */
import { type GraphError, graphError } from '../core/errors.js';
import { readCapped } from './read-capped.js';

/** Performs the handshake; resolves to `undefined` on success or Meta's error. */
export async function verifyCallback(input: {
  callbackUrl: string;
  verifyToken: string;
  challenge: string;
  timeoutMs: number;
  fetch?: typeof fetch;
  /** Aborts the handshake (e.g. the emulator is closing). */
  signal?: AbortSignal;
}): Promise<GraphError | undefined> {
  const url = new URL(input.callbackUrl);
  url.searchParams.set('hub.mode', 'subscribe');
  url.searchParams.set('hub.challenge', input.challenge);
  url.searchParams.set('hub.verify_token', input.verifyToken);
  const doFetch = input.fetch ?? globalThis.fetch;
  let res: Response;
  let text: string;
  let tooLarge: boolean;
  try {
    res = await doFetch(url, {
      method: 'GET',
      headers: { 'user-agent': 'facebookplatform/1.0 (+http://developers.facebook.com)' },
      signal:
        input.signal === undefined
          ? AbortSignal.timeout(input.timeoutMs)
          : AbortSignal.any([AbortSignal.timeout(input.timeoutMs), input.signal]),
    });
    ({ text, tooLarge } = await readCapped(res));
  } catch (e) {
    const timedOut = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
    return callbackFailed(
      timedOut
        ? 'curl_errno = 28; curl_error = Operation timed out'
        : "curl_errno = 7; curl_error = Couldn't connect to server",
    );
  }
  if (res.status !== 200) {
    return callbackFailed(`HTTP Status Code = ${res.status}; HTTP Message = ${res.statusText || 'Error'}`);
  }
  if (tooLarge || text !== input.challenge) {
    // Meta quotes what it received; the emulator does not: a callback's answer may be an internal
    // page's content, and error messages travel into logs.
    return graphError({
      code: 2201,
      message: `(#2201) response does not match challenge, expected value="${input.challenge}", received a different body (${tooLarge ? 'over 64 KiB' : `${Buffer.byteLength(text)} bytes`})`,
    });
  }
  return undefined;
}

function callbackFailed(detail: string): GraphError {
  return graphError({
    code: 2200,
    message: `(#2200) Callback verification failed with the following errors: ${detail}`,
  });
}
