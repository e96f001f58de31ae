/**
 * The webhook receiver, as a Hono sub-app mounted at `/webhooks` by the HTTP API:
 *
 * - `GET /instagram`: Meta's verification handshake; the challenge is echoed as text/plain only when the verify
 *   token matches (constant-time) and the challenge is a plain token; anything else 403.
 * - `POST /instagram`: raw bytes (limit → 413), `X-Hub-Signature-256` verified before anything is parsed
 *   (missing/bad → 401 + a security audit row, nothing processed), invalid JSON behind a valid signature → 400
 *   and kept sealed as a dead letter, then a durable inbox insert per event and 200 at once.
 * - `POST /instagram/deauthorize`, `POST /instagram/data-deletion` (+ `GET …/data-deletion/:code`): Meta's app
 *   callbacks, with a verified `signed_request`.
 */
import { randomUUID } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { parseWebhook, verifySignature, verifySubscription } from '@igkit/graph';
import { Hono } from 'hono';
import { logSecurityEvent } from '../audit/audit-log.js';
import type { PgBoss } from '../jobs/boss.js';
import type { Logger } from '../log/logger.js';
import { type ErasureDeps, eraseUser, erasureStatus } from '../messaging/erase-user.js';
import type { Db } from '../store/db.js';
import { insertDeadLetter } from '../store/dead-letters.js';
import type { Vault } from '../vault/vault.js';
import { groupIngest, type IngestResult } from './ingest.js';
import { readIncomingBody, readRawBody } from './raw-body.js';
import { parseSignedRequest } from './signed-request.js';

export interface ReceiverDeps extends ErasureDeps {
  db: Db;
  boss: PgBoss;
  vault: Vault;
  log: Logger;
  appSecret: string;
  verifyToken: string;
  maxBytes: number;
  now: () => Date;
  /** Sees every delivery's outcome (metrics). */
  onOutcome?: (outcome: WebhookOutcome, result?: IngestResult) => void;
}

export type WebhookOutcome =
  | 'accepted'
  | 'bad_signature'
  | 'too_large'
  | 'invalid_json'
  | 'not_a_webhook'
  | 'error';

/** A challenge we echo: Meta sends a short number; anything with markup or line breaks is refused. */
const CHALLENGE = /^[A-Za-z0-9._~-]{1,128}$/;

export function webhookReceiver(deps: ReceiverDeps): Hono {
  const app = new Hono();
  const outcome = (o: WebhookOutcome, r?: IngestResult) => deps.onOutcome?.(o, r);
  const ingest = groupIngest(deps);

  app.get('/instagram', (c) => {
    const v = verifySubscription(new URL(c.req.url).searchParams, deps.verifyToken);
    if (!v.ok || !CHALLENGE.test(v.challenge)) return c.text('Forbidden', 403);
    return c.text(v.challenge, 200, { 'content-type': 'text/plain; charset=utf-8' });
  });

  app.post('/instagram', async (c) => {
    const incoming = nodeIncoming(c.env);
    const raw = incoming
      ? await readIncomingBody(incoming, deps.maxBytes)
      : await readRawBody(c.req.raw, deps.maxBytes);
    if (!raw.ok) {
      outcome('too_large');
      return c.json(
        {
          error: {
            code: 'PAYLOAD_TOO_LARGE',
            message: `webhook bodies are limited to ${deps.maxBytes} bytes`,
          },
        },
        413,
      );
    }
    const header = c.req.header('x-hub-signature-256');
    if (!verifySignature(raw.bytes, header, deps.appSecret)) {
      outcome('bad_signature');
      await logSecurityEvent(deps.db, {
        action: 'webhook_signature',
        resourceType: 'webhook',
        metadata: {
          reason:
            header === undefined ? (c.req.header('x-hub-signature') ? 'sha1_only' : 'missing') : 'mismatch',
          bytes: raw.bytes.length,
        },
      }).catch((e: unknown) => deps.log.error({ err: (e as Error).message }, 'security audit write failed'));
      return c.json(
        { error: { code: 'INVALID_SIGNATURE', message: 'missing or invalid X-Hub-Signature-256' } },
        401,
      );
    }
    const text = raw.bytes.toString('utf8');
    try {
      JSON.parse(text);
    } catch {
      await keepRejected(deps, raw.bytes, 'INVALID_JSON');
      outcome('invalid_json');
      return c.json(
        {
          error: { code: 'INVALID_JSON', message: 'the signed body is not JSON; it was kept for inspection' },
        },
        400,
      );
    }
    let parsed: ReturnType<typeof parseWebhook>;
    try {
      // The text, not the parsed value: the library keeps numeric ids above 2^53 exact only when it parses.
      parsed = parseWebhook(text);
    } catch {
      await keepRejected(deps, raw.bytes, 'NOT_A_WEBHOOK');
      outcome('not_a_webhook');
      return c.json(
        {
          error: {
            code: 'NOT_A_WEBHOOK',
            message: 'the signed body is not a webhook delivery; it was kept for inspection',
          },
        },
        400,
      );
    }
    const unstorable = !storableText(parsed.object) || parsed.events.some((e) => !storable(e));
    if (unstorable) {
      await keepRejected(deps, raw.bytes, 'UNSTORABLE_EVENT');
      outcome('not_a_webhook');
      return c.json(
        {
          error: {
            code: 'UNSTORABLE_EVENT',
            message: `an event's ids or key hold a NUL character or pass ${MAX_KEY_BYTES} bytes (not a Meta delivery); it was kept for inspection`,
          },
        },
        400,
      );
    }
    try {
      const result = await ingest(parsed.object, parsed.events, deps.now());
      outcome('accepted', result);
      return c.text('EVENT_RECEIVED', 200);
    } catch (e) {
      // Not stored: answer 5xx so Meta delivers it again.
      deps.log.error({ err: (e as Error).message }, 'webhook ingest failed');
      outcome('error');
      return c.json(
        { error: { code: 'STORE_UNAVAILABLE', message: 'the delivery could not be stored; retry' } },
        503,
      );
    }
  });

  const callback = (kind: 'deauthorize' | 'data_deletion') => async (c: import('hono').Context) => {
    const raw = await readRawBody(c.req.raw, 16_384);
    if (!raw.ok)
      return c.json({ error: { code: 'PAYLOAD_TOO_LARGE', message: 'signed_request too large' } }, 413);
    const form = new URLSearchParams(raw.bytes.toString('utf8'));
    const check = parseSignedRequest(form.get('signed_request'), deps.appSecret, deps.now().getTime());
    if (!check.ok) {
      await logSecurityEvent(deps.db, {
        action: `${kind}_signed_request`,
        resourceType: 'app_callback',
        metadata: { reason: check.reason },
      }).catch(() => {});
      return c.json(
        { error: { code: 'INVALID_SIGNED_REQUEST', message: `signed_request refused (${check.reason})` } },
        400,
      );
    }
    const { confirmationCode } = await eraseUser(deps, check.userId, kind);
    if (kind === 'deauthorize') return c.json({ success: true });
    const url = new URL(`/webhooks/instagram/data-deletion/${confirmationCode}`, c.req.url).toString();
    return c.json({ url, confirmation_code: confirmationCode });
  };
  app.post('/instagram/deauthorize', callback('deauthorize'));
  app.post('/instagram/data-deletion', callback('data_deletion'));
  app.get('/instagram/data-deletion/:code', async (c) => {
    const status = await erasureStatus(deps.db, c.req.param('code'));
    if (!status)
      return c.json(
        { error: { code: 'NOT_FOUND', message: 'no deletion request with this confirmation code' } },
        404,
      );
    return c.json(status);
  });
  return app;
}

/** Node's request stream when served by @hono/node-server and nothing has read the body yet. */
function nodeIncoming(env: unknown): IncomingMessage | undefined {
  const incoming = (env as { incoming?: unknown } | undefined)?.incoming;
  if (!(incoming instanceof IncomingMessage) || incoming.readableDidRead || incoming.readableEnded)
    return undefined;
  return incoming;
}

/** Longest id or dedupe key stored in the inbox's indexed text columns (a btree entry must fit a page). */
const MAX_KEY_BYTES = 1024;

/** Whether the event's indexed text (ids, field, dedupe key) can be stored: no NUL, bounded length. */
function storable(e: ReturnType<typeof parseWebhook>['events'][number]): boolean {
  const texts: unknown[] = [e.dedupeKey, e.accountId, e.field, e.source];
  if ('senderId' in e) texts.push(e.senderId, e.recipientId);
  if (e.type === 'comment' && e.from) texts.push(e.from.id);
  return texts.every((t) => t === undefined || storableText(t));
}

function storableText(t: unknown): boolean {
  return typeof t === 'string' && !t.includes('\u0000') && Buffer.byteLength(t) <= MAX_KEY_BYTES;
}

async function keepRejected(deps: ReceiverDeps, bytes: Buffer, code: string): Promise<void> {
  await insertDeadLetter(deps.db, {
    queue: 'webhook-receiver',
    jobId: randomUUID(),
    errorCategory: 'invalid',
    errorCode: code,
    attempts: 1,
    at: deps.now(),
    payloadRef: { bytes: bytes.length },
    payloadCiphertext: deps.vault.seal(bytes.toString('base64')),
  }).catch((e: unknown) =>
    deps.log.error({ err: (e as Error).message }, 'could not keep a rejected webhook body'),
  );
}
