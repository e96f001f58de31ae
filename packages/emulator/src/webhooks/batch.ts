/**
 * One webhook batch: the signed body Meta would POST for a set of updates (one `entry` per
 * account and kind, `messaging` times in ms and `changes` times in seconds, as in Meta's
 * examples), and the POST itself with its timeout.
 * https://developers.facebook.com/docs/instagram-platform/webhooks/examples
 */
import type { DeliveryFailure } from './delivery-log.js';
import { readCapped } from './read-capped.js';
import { serializeWebhookBody, signatureHeaders } from './sign.js';

/** Where one app's webhooks go. */
export interface WebhookTarget {
  appId: string;
  callbackUrl: string;
  /** Key of the HMAC signatures. Never logged. */
  appSecret: string;
}

/** One update: a `messaging[]` item or a `changes[]` item for one IG account. */
export interface WebhookEvent {
  /** `entry[].id`: the IG professional account id. */
  accountId: string;
  kind: 'messaging' | 'changes';
  /** The subscription field this update belongs to (`messages`, `comments`, ...). */
  field: string;
  /** The element placed in `entry[].messaging` or `entry[].changes`. */
  item: unknown;
}

/** A body on its way to one app, with its retry state. */
export interface Batch {
  id: string;
  target: WebhookTarget;
  body: string;
  eventCount: number;
  fields: string[];
  accountIds: string[];
  attempts: number;
  firstAttemptAt: number;
  dueAt: number;
  inFlight: boolean;
}

/** Update count, distinct fields and distinct account ids of a set of updates (for the log). */
export function summarize(
  events: readonly WebhookEvent[],
): Pick<Batch, 'eventCount' | 'fields' | 'accountIds'> {
  return {
    eventCount: events.length,
    fields: [...new Set(events.map((e) => e.field))],
    accountIds: [...new Set(events.map((e) => e.accountId))],
  };
}

/** Builds the batch (and its exact body bytes) for `events`, at emulated time `now`. */
export function buildBatch(
  id: string,
  target: WebhookTarget,
  events: readonly WebhookEvent[],
  now: number,
): Batch {
  const entries = new Map<string, { id: string; time: number; messaging?: unknown[]; changes?: unknown[] }>();
  for (const e of events) {
    const key = `${e.accountId}\u0000${e.kind}`;
    let entry = entries.get(key);
    if (!entry) {
      // Meta's examples: ms for messaging entries, seconds for changes entries.
      entry = { id: e.accountId, time: e.kind === 'messaging' ? now : Math.floor(now / 1000) };
      entries.set(key, entry);
    }
    entry[e.kind] ??= [];
    entry[e.kind]?.push(e.item);
  }
  const body = serializeWebhookBody({ object: 'instagram', entry: [...entries.values()] });
  return {
    id,
    target,
    body,
    ...summarize(events),
    attempts: 0,
    firstAttemptAt: now,
    dueAt: now,
    inFlight: false,
  };
}

/** Outcome of one POST. */
export interface PostResult {
  ok: boolean;
  status: number | null;
  error?: DeliveryFailure;
}

/**
 * POSTs a batch, signed with the app secret, within `timeoutMs` of real time. Any 2xx is a
 * delivery; another status, a timeout or a connection error (or `signal` aborting) is a failure.
 */
export async function postBatch(
  batch: Batch,
  options: { fetch: typeof fetch; timeoutMs: number; sha1: boolean; signal: AbortSignal },
): Promise<PostResult> {
  const timeout = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    timeout.abort();
  }, options.timeoutMs);
  try {
    const res = await options.fetch(batch.target.callbackUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'facebookexternalua',
        ...signatureHeaders(batch.body, batch.target.appSecret, { sha1: options.sha1 }),
      },
      body: batch.body,
      signal: AbortSignal.any([timeout.signal, options.signal]),
    });
    await readCapped(res).catch(() => undefined); // the answer's content is not used: read a little, drop the rest
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
    return { ok: false, status: res.status, error: 'http_status' };
  } catch {
    return { ok: false, status: null, error: timedOut ? 'timeout' : 'connection' };
  } finally {
    clearTimeout(timer);
  }
}
