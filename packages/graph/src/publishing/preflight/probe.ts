/**
 * Media preflight: before any Graph call, look at the media URL the way Meta will — but cheaply.
 * 1. SSRF guard on the URL (and on every redirect hop); by default the connections themselves are pinned to
 *    the checked addresses ({@link pinnedFetch}), so DNS rebinding cannot slip a private address in.
 * 2. `HEAD` with a short timeout: status, `Content-Type`, `Content-Length`.
 * 3. Range-`GET` of the first 64 KiB: format magic, JPEG/PNG dimensions, MP4/MOV boxes (plus one more range
 *    read for a `moov` box that did not fit).
 * 4. The limits in `limits.ts` for the target.
 * Every failure is `{ ok: false, code: 'MEDIA_ERROR', reason, message, retryable }`; this never throws.
 */
import { readUpTo, totalFromContentRange } from './http-read.js';
import { readJpegInfo, readPngSize, type SniffedFormat, sniffFormat } from './image-header.js';
import {
  checkContentType,
  checkImage,
  checkSize,
  checkVideo,
  isImageTarget,
  type LimitFailure,
  type MediaProblem,
  type MediaTarget,
} from './limits.js';
import { readMp4Info } from './mp4-boxes.js';
import { pinnedFetch, ssrfRefusal } from './pinned-fetch.js';
import { checkUrlTarget, type SsrfOptions } from './ssrf.js';

/** Options for {@link preflightMedia}. */
export interface PreflightOptions extends SsrfOptions {
  /**
   * HTTP client for the media requests. @default {@link pinnedFetch} (connections pinned to SSRF-checked
   * addresses). A custom fetch resolves names itself: only the pre-check of each URL then applies.
   */
  fetch?: typeof fetch;
  /** Per-request timeout. @default 5000 */
  timeoutMs?: number;
  /** Bytes read from the head of the file. @default 65536 */
  headBytes?: number;
  /** Largest `moov` box fetched when it did not fit in the head read. @default 4 MiB */
  maxMoovBytes?: number;
  /** @default 3 */
  maxRedirects?: number;
}

/** What preflight learned about a media URL. */
export interface MediaInfo {
  url: string;
  format: SniffedFormat;
  contentType?: string;
  bytes?: number;
  width?: number;
  height?: number;
  durationSec?: number;
  codec?: string;
}

/** A typed preflight failure. */
export interface MediaPreflightFailure {
  ok: false;
  code: 'MEDIA_ERROR';
  reason: MediaProblem;
  message: string;
  retryable: boolean;
  details: Record<string, unknown>;
}

/** Outcome of {@link preflightMedia}. */
export type PreflightResult = { ok: true; info: MediaInfo } | MediaPreflightFailure;

class Fail {
  constructor(
    readonly reason: MediaProblem,
    readonly message: string,
    readonly details: Record<string, unknown> = {},
    readonly retryable = false,
  ) {}
}

function fromLimit(f: LimitFailure): Fail {
  return new Fail(f.reason, f.message, f.details ?? {});
}

async function request(
  url: string,
  init: RequestInit,
  o: PreflightOptions,
): Promise<{ res: Response; url: string }> {
  const doFetch = o.fetch ?? pinnedFetch(o);
  let current = url;
  for (let hop = 0; ; hop++) {
    const verdict = await checkUrlTarget(current, o);
    if (!verdict.ok)
      throw new Fail(verdict.reason, verdict.message, verdict.address ? { address: verdict.address } : {});
    let res: Response;
    try {
      res = await doFetch(current, {
        ...init,
        redirect: 'manual',
        signal: AbortSignal.timeout(o.timeoutMs ?? 5000),
      });
    } catch (e) {
      const refused = ssrfRefusal(e);
      if (refused) {
        throw new Fail(
          'private_address',
          'Media host resolves to a non-public address; refusing to connect.',
          {
            address: refused.address,
          },
        );
      }
      const name = (e as { name?: string } | null)?.name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new Fail('timeout', `Media URL did not answer within ${o.timeoutMs ?? 5000} ms.`, {}, true);
      }
      throw new Fail('unreachable', 'Media URL could not be reached.', {}, true);
    }
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      await res.body?.cancel().catch(() => {});
      if (hop >= (o.maxRedirects ?? 3))
        throw new Fail('too_many_redirects', 'Media URL redirects too many times.');
      current = new URL(location, current).toString();
      continue;
    }
    return { res, url: current };
  }
}

function statusFail(status: number): Fail {
  return new Fail(
    'http_status',
    `Media URL answered HTTP ${status}.`,
    { status },
    status >= 500 || status === 429,
  );
}

async function rangeGet(url: string, from: number, to: number, o: PreflightOptions) {
  const { res } = await request(url, { method: 'GET', headers: { range: `bytes=${from}-${to}` } }, o);
  if (res.status !== 206 && res.status !== 200) {
    await res.body?.cancel().catch(() => {});
    throw statusFail(res.status);
  }
  // A server ignoring Range (200) sends from byte 0.
  const skip = res.status === 200 ? from : 0;
  const buf = await readUpTo(res, skip + (to - from + 1));
  return { res, buf: buf.subarray(skip) };
}

async function run(rawUrl: string, target: MediaTarget, o: PreflightOptions): Promise<MediaInfo> {
  const headBytes = o.headBytes ?? 65_536;
  let contentType: string | undefined;
  let bytes: number | undefined;
  let url = rawUrl;
  const head = await request(rawUrl, { method: 'HEAD' }, o);
  await head.res.body?.cancel().catch(() => {});
  if (head.res.ok) {
    url = head.url;
    contentType = head.res.headers.get('content-type') ?? undefined;
    const len = head.res.headers.get('content-length');
    if (len !== null && /^\d+$/.test(len)) bytes = Number(len);
  } else if (head.res.status !== 405 && head.res.status !== 501 && head.res.status !== 403) {
    throw statusFail(head.res.status); // 405/501 (no HEAD) and 403 (some CDNs sign GET only) fall through to GET
  }
  const ctFail = checkContentType(target, contentType);
  if (ctFail) throw fromLimit(ctFail);
  const sizeFail = checkSize(target, bytes);
  if (sizeFail) throw fromLimit(sizeFail);

  const first = await rangeGet(url, 0, headBytes - 1, o);
  bytes ??= totalFromContentRange(first.res.headers.get('content-range'));
  contentType ??= first.res.headers.get('content-type') ?? undefined;
  const lateFail = checkContentType(target, contentType) ?? checkSize(target, bytes);
  if (lateFail) throw fromLimit(lateFail);

  const format = sniffFormat(first.buf);
  const info: MediaInfo = { url: rawUrl, format };
  if (contentType) info.contentType = contentType;
  if (bytes !== undefined) info.bytes = bytes;

  if (isImageTarget(target)) {
    const jpeg = format === 'jpeg' ? readJpegInfo(first.buf) : undefined;
    const size = jpeg ?? (format === 'png' ? readPngSize(first.buf) : undefined);
    if (size) Object.assign(info, { width: size.width, height: size.height });
    const f = checkImage(target, format, size, jpeg?.multiPicture ?? false);
    if (f) throw fromLimit(f);
    return info;
  }

  let mp4 = readMp4Info(first.buf);
  if (mp4.moovFirst === true && !mp4.moovComplete && mp4.moovRange) {
    const { start, end } = mp4.moovRange;
    if (end - start > (o.maxMoovBytes ?? 4 * 1024 * 1024)) {
      throw new Fail('unreadable_header', 'The video’s moov box is too large to inspect.', {
        moovBytes: end - start,
      });
    }
    const moov = await rangeGet(url, start, end - 1, o);
    mp4 = { ...readMp4Info(moov.buf), topLevel: mp4.topLevel, moovFirst: true };
  }
  for (const k of ['width', 'height', 'durationSec', 'codec'] as const) {
    const v = mp4[k];
    if (v !== undefined) (info as unknown as Record<string, unknown>)[k] = v;
  }
  const f = checkVideo(target, format, mp4);
  if (f) throw fromLimit(f);
  return info;
}

/**
 * Checks that `url` is a public, reachable media file Instagram will accept for `target`.
 * Makes at most 1 HEAD + 2 range GETs (plus redirects), each with a short timeout.
 */
export async function preflightMedia(
  url: string,
  target: MediaTarget,
  options: PreflightOptions = {},
): Promise<PreflightResult> {
  try {
    return { ok: true, info: await run(url, target, options) };
  } catch (e) {
    const f =
      e instanceof Fail ? e : new Fail('unreachable', 'Media preflight failed unexpectedly.', {}, true);
    return {
      ok: false,
      code: 'MEDIA_ERROR',
      reason: f.reason,
      message: f.message,
      retryable: f.retryable,
      details: { reason: f.reason, url, ...f.details },
    };
  }
}
