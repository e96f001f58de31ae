/**
 * Resumable (rupload) video upload of local bytes to the `uri` returned by a container created with
 * `upload_type=resumable`:
 * `POST {uri}` with `Authorization: OAuth <token>`, `offset`, `file_size` and the raw bytes.
 * After an interruption (dropped connection, timeout, 5xx) it asks the server for the committed offset
 * (`GET {uri}` → `{ offset }`; Meta does not document this query — the emulator models it) and resumes from
 * there. The token is only sent to rupload.facebook.com or the Graph base URL's own origin.
 */
import { DEFAULT_MAX_RESPONSE_BYTES, readTextUpTo } from '../core/body-limit.js';
import { sleepWithSignal } from '../core/retry.js';
import type { Sleep } from '../core/time.js';
import { failure } from './publish-errors.js';
import type { UploadSource } from './publish-plan.js';

/** Origins the OAuth token may be sent to for uploads (besides the Graph base URL's origin). */
export const RUPLOAD_ORIGINS: readonly string[] = ['https://rupload.facebook.com'];

/** Options for {@link resumableUpload}. */
export interface ResumableUploadOptions {
  accessToken: string;
  /** The Graph base URL (its origin is trusted for uploads, e.g. the emulator). */
  graphBaseUrl: string;
  fetch?: typeof fetch;
  /** Bytes per POST. @default 8 MiB */
  chunkSize?: number;
  /** Interruptions tolerated before giving up. @default 5 */
  maxInterruptions?: number;
  /** Per-request timeout. @default 60000 */
  timeoutMs?: number;
  /** Largest answer body read; a longer one fails the upload (`API_ERROR`, not retryable). @default 4 MiB */
  maxResponseBytes?: number;
  /**
   * Answers in a row that do not move the committed offset forward (the server repeating or moving it back)
   * before giving up. @default 5
   */
  maxStalls?: number;
  /** Pause before resuming after an interruption. @default no pause */
  sleep?: Sleep;
  /** Aborts the upload: the request in flight and any pause (`NETWORK_ERROR`, `details.kind: 'aborted'`). */
  signal?: AbortSignal;
  /** Called after every server-confirmed offset (e.g. to checkpoint progress). */
  onProgress?: (committed: number, total: number) => void | Promise<void>;
}

/** Result of {@link resumableUpload}. */
export interface UploadOutcome {
  bytes: number;
  requests: number;
  interruptions: number;
}

/** Random access to the bytes to upload. */
interface ByteSource {
  size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

async function openSource(src: UploadSource): Promise<ByteSource> {
  if ('data' in src) {
    const data = src.data;
    return { size: data.byteLength, read: async (o, l) => data.subarray(o, o + l), close: async () => {} };
  }
  const { open } = await import('node:fs/promises');
  const fh = await open(src.path, 'r');
  const { size } = await fh.stat();
  return {
    size,
    read: async (o, l) => {
      const buf = Buffer.alloc(Math.min(l, size - o));
      const { bytesRead } = await fh.read(buf, 0, buf.length, o);
      return buf.subarray(0, bytesRead);
    },
    close: () => fh.close(),
  };
}

function assertTrustedUri(uri: string, graphBaseUrl: string): URL {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    throw failure('API_ERROR', 'Upload uri returned by Meta is not a URL.', false, { step: 'upload' });
  }
  const trusted = [...RUPLOAD_ORIGINS, new URL(graphBaseUrl).origin];
  if (!trusted.includes(u.origin)) {
    throw failure('API_ERROR', `Refusing to send the access token to upload origin ${u.origin}.`, false, {
      step: 'upload',
      origin: u.origin,
    });
  }
  return u;
}

function offsetFrom(body: unknown): number | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  const err = b['error'] as Record<string, unknown> | undefined;
  for (const v of [b['offset'], b['file_offset'], b['bytes_received'], err?.['offset']]) {
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
    if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  }
  return undefined;
}

/** The JSON body of an upload answer (`undefined` when unparseable); throws past `maxBytes`. */
async function json(res: Response, maxBytes: number): Promise<unknown> {
  const read = await readTextUpTo(res, maxBytes);
  if (!read.ok) {
    throw failure('API_ERROR', `Upload endpoint answered with a body over ${maxBytes} bytes.`, false, {
      step: 'upload',
      status: res.status,
    });
  }
  try {
    return JSON.parse(read.text);
  } catch {
    return undefined;
  }
}

/**
 * Uploads `source` to `uri`, starting at `startOffset` (e.g. a checkpointed offset; it is re-checked with the
 * server first when > 0). Throws a `PublishFailure` (`NETWORK_ERROR` retryable, or `API_ERROR`) on failure,
 * with `details.committedBytes`.
 */
export async function resumableUpload(
  uri: string,
  source: UploadSource,
  options: ResumableUploadOptions,
  startOffset = 0,
): Promise<UploadOutcome> {
  const url = assertTrustedUri(uri, options.graphBaseUrl);
  const doFetch = options.fetch ?? globalThis.fetch;
  const src = await openSource(source);
  const chunk = Math.max(1, options.chunkSize ?? 8 * 1024 * 1024);
  const maxInterruptions = options.maxInterruptions ?? 5;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const maxStalls = options.maxStalls ?? 5;
  /** Highest offset the server has confirmed, and answers in a row that did not pass it. */
  let best = 0;
  let stalls = 0;
  const auth = { authorization: `OAuth ${options.accessToken}` };
  let offset = 0;
  let requests = 0;
  let interruptions = 0;

  const signal = options.signal;
  const deadline = (): AbortSignal =>
    signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
  const abortedFailure = () =>
    failure('NETWORK_ERROR', 'Upload aborted by the caller.', false, {
      step: 'upload',
      kind: 'aborted',
      committedBytes: offset,
      fileSize: src.size,
    });
  const askOffset = async (): Promise<number | undefined> => {
    requests++;
    try {
      const res = await doFetch(url, {
        method: 'GET',
        headers: auth,
        signal: deadline(),
      });
      return offsetFrom(await json(res, maxBytes));
    } catch {
      return undefined;
    }
  };
  const interrupted = async (why: string): Promise<void> => {
    interruptions++;
    if (interruptions > maxInterruptions) {
      throw failure('NETWORK_ERROR', `Upload interrupted ${interruptions} times (${why}); giving up.`, true, {
        step: 'upload',
        committedBytes: offset,
        fileSize: src.size,
      });
    }
    if (options.sleep) {
      try {
        await sleepWithSignal(options.sleep, Math.min(30_000, 250 * 2 ** (interruptions - 1)), signal);
      } catch {
        throw abortedFailure();
      }
    }
    const server = await askOffset();
    if (server !== undefined) offset = Math.min(server, src.size);
  };

  try {
    if (signal?.aborted) throw abortedFailure();
    if (startOffset > 0) offset = Math.min((await askOffset()) ?? 0, src.size);
    for (;;) {
      const body = await src.read(offset, chunk);
      let res: Response;
      requests++;
      try {
        res = await doFetch(url, {
          method: 'POST',
          headers: {
            ...auth,
            offset: String(offset),
            file_size: String(src.size),
            'content-type': 'application/octet-stream',
          },
          body,
          signal: deadline(),
        });
      } catch {
        if (signal?.aborted) throw abortedFailure();
        await interrupted('connection lost');
        continue;
      }
      const data = (await json(res, maxBytes)) as { success?: unknown } | undefined;
      if (res.status >= 500) {
        await interrupted(`HTTP ${res.status}`);
        continue;
      }
      const serverOffset = offsetFrom(data);
      if (res.ok && data?.success === true) {
        offset = src.size;
        await options.onProgress?.(offset, src.size);
        return { bytes: src.size, requests, interruptions };
      }
      if (serverOffset !== undefined) {
        // A server whose offsets repeat or oscillate would keep this loop going forever: only an offset beyond
        // the best one seen so far counts as progress, and `maxStalls` answers without progress end the upload.
        if (serverOffset > best) {
          best = serverOffset;
          stalls = 0;
        } else if (++stalls > maxStalls) {
          throw failure('API_ERROR', `Upload made no progress in ${stalls} answers; giving up.`, false, {
            step: 'upload',
            committedBytes: best,
            fileSize: src.size,
          });
        }
        if (serverOffset === offset) {
          await interrupted('no progress');
          continue;
        }
        offset = Math.min(serverOffset, src.size); // partial commit, or the server asks to resume elsewhere
        await options.onProgress?.(offset, src.size);
        continue;
      }
      if (res.ok) {
        offset = Math.min(src.size, offset + body.byteLength);
        await options.onProgress?.(offset, src.size);
        continue;
      }
      throw failure('API_ERROR', `Upload refused with HTTP ${res.status}.`, false, {
        step: 'upload',
        status: res.status,
        committedBytes: offset,
      });
    }
  } finally {
    await src.close();
  }
}
