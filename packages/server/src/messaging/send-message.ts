/**
 * Outbound messages. `queueMessage` checks consent, opt-out and the messaging window up front (typed, audited
 * refusals), stores the text sealed, and enqueues a `send-message` job. The job sends through the library's
 * `MessagingClient`, in creation order per recipient (a per-conversation lease: one process drains a user's
 * queue at a time), under the account's shared send rate. Outcomes:
 *
 * - sent → `sent` with Meta's `mid`;
 * - outcome unknown (timeout, dropped connection, 5xx after Meta may have stored it) → `unknown`, never resent;
 *   an echo webhook settles it as sent, else after {@link SETTLE_DEADLINE_MS} it is marked for `review`;
 * - policy refusal (window closed, opted out, no consent) → `refused`, audited, not retried;
 * - rate limited → the account's sends pause for Meta's wait (all processes), the job retries;
 * - other definite failures → `failed` (4xx) or retried by pg-boss (transient) and dead-lettered when exhausted.
 */
import { randomUUID } from 'node:crypto';
import {
  AppError,
  type Clock,
  checkConversationPolicy,
  MessagingClient,
  MessagingPolicyError,
  type SendResult,
  type Sleep,
  TooManyRequestsError,
} from '@igkit/graph';
import { type AuditEntry, appendAudit, appendAuditRows, changeWithAudit } from '../audit/audit-log.js';
import { invalid, ServiceError } from '../errors.js';
import { type GraphTarget, graphClientFor } from '../graph/graph-target.js';
import { bossDb, type PgBoss } from '../jobs/boss.js';
import { JobError } from '../jobs/job-error.js';
import type { Logger } from '../log/logger.js';
import { type Account, accountWithToken, getAccount } from '../store/accounts.js';
import {
  type Conversation,
  getConversation,
  lockConversationForSend,
  releaseSendLease,
  takeSendLease,
} from '../store/conversations.js';
import type { Db, Queryable } from '../store/db.js';
import type { DeadLetter } from '../store/dead-letters.js';
import {
  getMessage,
  insertMessage,
  type MessageRecord,
  messageByDedupeKey,
  nextToSend,
  settleMessage,
  settleMessageChange,
} from '../store/messages.js';
import type { Vault } from '../vault/vault.js';
import { acquireSendSlot, pauseSends, SendRateWaitTooLong } from './send-rate.js';

/** How long an `unknown` send waits for its echo before it is marked for review. */
export const SETTLE_DEADLINE_MS = 10 * 60_000;
/** Lease on a conversation's send queue; renewed per message. */
export const DEFAULT_SEND_LEASE_MS = 60_000;
/** A job that finds another process draining the conversation looks again after this. */
const BUSY_RECHECK_MS = 2_000;

export interface MessagingDeps {
  db: Db;
  boss: PgBoss;
  vault: Vault;
  log: Logger;
  graph: GraphTarget;
  clock: Clock;
  sleep: Sleep;
  workerId: string;
  consentRequired: boolean;
  /** A crashed sender's hold on a conversation expires after this. @default DEFAULT_SEND_LEASE_MS */
  sendLeaseMs?: number;
}

export interface QueueMessageInput {
  accountId: string;
  recipientId: string;
  text: string;
  /** A person wrote this reply: allows the `HUMAN_AGENT` tag between 24 h and 7 days. */
  humanAgent?: boolean;
  actor?: string;
  correlationId?: string;
  /** Same key on the same account → the first message, nothing new queued (handler retries, API retries). */
  dedupeKey?: string;
}

const now = (d: { clock: Clock }) => new Date(d.clock.now());

function refusal(
  code: 'OPTED_OUT' | 'CONSENT_REQUIRED' | 'MESSAGING_WINDOW_CLOSED',
  message: string,
  details = {},
) {
  return new ServiceError(code, message, details);
}

/** Why a send to this conversation must be refused now, if it must. */
function policyRefusal(
  deps: MessagingDeps,
  conv: Conversation | undefined,
  userId: string,
  humanAgent: boolean,
): ServiceError | undefined {
  if (conv?.optedOut) return refusal('OPTED_OUT', `user ${userId} opted out of messages`, { userId });
  if (deps.consentRequired && !conv?.consentAt)
    return refusal('CONSENT_REQUIRED', `no recorded consent for user ${userId} (consent-required mode)`, {
      userId,
    });
  const decision = checkConversationPolicy({
    kind: 'message',
    conversation: { lastUserMessageAt: conv?.lastInboundAt ?? null },
    humanAgent,
    now: deps.clock.now(),
  });
  if (!decision.allowed)
    return refusal(
      'MESSAGING_WINDOW_CLOSED',
      `the messaging window with user ${userId} is closed (${decision.reason})`,
      {
        userId,
        reason: decision.reason,
        humanAgentEligible: decision.humanAgentEligible ?? false,
      },
    );
  return undefined;
}

/** Queues a text message. Refusals throw a typed {@link ServiceError} and are audited. */
export async function queueMessage(deps: MessagingDeps, input: QueueMessageInput): Promise<MessageRecord> {
  if (!/^\d{1,32}$/.test(String(input.recipientId)))
    throw invalid('recipientId', 'digits', 'expected an Instagram-scoped user id');
  if (typeof input.text !== 'string' || input.text.trim() === '')
    throw invalid('text', 'min_length', 'the message is empty');
  const bytes = Buffer.byteLength(input.text, 'utf8');
  if (bytes > 1000)
    throw invalid('text', 'max_bytes', `messages are limited to 1000 UTF-8 bytes (this one has ${bytes})`);
  const account = await getAccount(deps.db, input.accountId);
  if (!account) throw new ServiceError('NOT_FOUND', `no account ${input.accountId}`, { field: 'accountId' });
  if (account.status !== 'active')
    throw new ServiceError('ACCOUNT_REAUTH_REQUIRED', `account ${account.id} needs a new access token`, {
      accountId: account.id,
    });
  if (input.dedupeKey) {
    const existing = await messageByDedupeKey(deps.db, account.id, input.dedupeKey);
    if (existing) return existing;
  }
  const at = now(deps);
  const refused = policyRefusal(
    deps,
    await getConversation(deps.db, account.id, input.recipientId),
    input.recipientId,
    input.humanAgent ?? false,
  );
  if (refused) {
    await appendAudit(deps.db, {
      actor: input.actor ?? 'api',
      action: 'message.refused',
      resourceType: 'ig_user',
      resourceId: input.recipientId,
      correlationId: input.correlationId,
      outcome: refused.code,
      metadata: { accountId: account.id, message_length: bytes },
    });
    throw refused;
  }
  const id = randomUUID();
  const inserted = await deps.db.transaction(async (tx) => {
    if (
      !(await insertMessage(tx, {
        id,
        accountId: account.id,
        userId: input.recipientId,
        direction: 'outbound',
        status: 'queued',
        textCiphertext: deps.vault.seal(input.text),
        textHmac: deps.vault.mac(input.text),
        byteLength: bytes,
        humanAgent: input.humanAgent ?? false,
        correlationId: input.correlationId,
        dedupeKey: input.dedupeKey,
        actor: input.actor ?? 'api',
        createdAt: at,
      }))
    )
      return false;
    await appendAudit(tx, {
      actor: input.actor ?? 'api',
      action: 'message.queued',
      resourceType: 'message',
      resourceId: id,
      correlationId: input.correlationId,
      outcome: 'queued',
      metadata: {
        accountId: account.id,
        recipient_id: input.recipientId,
        message_length: bytes,
        humanAgent: input.humanAgent ?? false,
      },
    });
    await enqueueSend(deps.boss, tx, id, at);
    return true;
  });
  const stored = inserted
    ? await getMessage(deps.db, id)
    : await messageByDedupeKey(deps.db, account.id, input.dedupeKey ?? '');
  if (!stored) throw new Error('the queued message could not be read back');
  return stored;
}

async function enqueueSend(boss: PgBoss, q: Queryable | Db, messageId: string, at: Date): Promise<void> {
  await boss.send(
    'send-message',
    { messageId, correlationId: `message:${messageId}` },
    { startAfter: at, db: bossDb(q) },
  );
}

/**
 * What one drain of a conversation reuses from message to message: the lease it holds (renewed by each settle)
 * and the account's messaging client (rebuilt when the token changes). The client's audit rows of a send are
 * collected in `audit` and written by that send's settle, in its transaction.
 */
interface Drain {
  lease: { owner: string; leaseMs: number };
  client?: { token: string; messaging: MessagingClient };
  audit: AuditEntry[];
}

/** The `send-message` job: drains the recipient's queue in order while holding its lease. */
export async function handleSendJob(deps: MessagingDeps, data: { messageId: string }): Promise<void> {
  const message = await getMessage(deps.db, data.messageId);
  if (message?.status !== 'queued' && message?.status !== 'sending') return;
  const owner = `${deps.workerId}:${data.messageId}`;
  const { accountId, userId } = message;
  const leaseMs = deps.sendLeaseMs ?? DEFAULT_SEND_LEASE_MS;
  if (!(await takeSendLease(deps.db, accountId, userId, owner, now(deps), leaseMs))) {
    await enqueueSend(deps.boss, deps.db, data.messageId, new Date(deps.clock.now() + BUSY_RECHECK_MS));
    return;
  }
  const drain: Drain = { lease: { owner, leaseMs }, audit: [] };
  try {
    for (
      let next = await nextToSend(deps.db, accountId, userId);
      next;
      next = await nextToSend(deps.db, accountId, userId)
    ) {
      // `sending` under a lease we now hold: its sender died mid-attempt. Meta may have it: never resend.
      // Each settle also renews the lease (same transaction).
      if (next.status === 'sending')
        await settleWith(deps, next, 'unknown', { errorCode: 'SENDER_DIED' }, drain);
      else await sendOne(deps, next, drain);
    }
  } finally {
    await releaseSendLease(deps.db, accountId, userId, owner);
  }
  // A message queued while we released the lease gets its own job; make sure one is due.
  const late = await nextToSend(deps.db, accountId, userId);
  if (late) await enqueueSend(deps.boss, deps.db, late.id, now(deps));
}

function messagingClientFor(
  deps: MessagingDeps,
  account: Account,
  accessToken: string,
  onAudit?: (entry: AuditEntry) => void,
): MessagingClient {
  return new MessagingClient({
    login: account.loginType,
    ...(account.loginType === 'facebook' && account.pageId ? { pageId: account.pageId } : {}),
    igUserId: account.id,
    graph: graphClientFor(
      deps.graph,
      deps,
      { id: account.id, accessToken, loginType: account.loginType },
      'messaging',
      onAudit,
    ),
    limiter: false, // the shared, database-backed rate (send-rate.ts) governs every process
    clock: deps.clock,
    sleep: deps.sleep,
  });
}

/**
 * Settles a message and audits it in one transaction of two statements: the conversation is locked first (as
 * every transaction touching a conversation and its messages does), which also renews the drain's lease and
 * moves `last_outbound_at`; then the message's compare-and-set, its audit row and the audit rows of the Graph
 * calls that led to it.
 */
async function settleWith(
  deps: MessagingDeps,
  m: MessageRecord,
  status: MessageRecord['status'],
  extra: { mid?: string; tag?: string; errorCode?: string; sentAt?: Date } = {},
  drain?: Drain,
): Promise<void> {
  const at = now(deps);
  const calls = drain ? drain.audit.splice(0) : [];
  try {
    await deps.db.transaction(async (tx) => {
      await lockConversationForSend(tx, m.accountId, m.userId, at, {
        lastOutboundAt: status === 'sent' ? (extra.sentAt ?? at) : undefined,
        lease: drain?.lease,
      });
      const settled = await changeWithAudit(
        tx,
        settleMessageChange(m.id, ['queued', 'sending'], { status, ...extra }, at),
        {
          actor: m.actor ?? 'api',
          action: `message.${status}`,
          resourceType: 'message',
          resourceId: m.id,
          correlationId: m.correlationId,
          outcome: status,
          metadata: {
            accountId: m.accountId,
            recipient_id: m.userId,
            message_length: m.byteLength,
            ...(extra.mid ? { message_id: extra.mid } : {}),
            ...(extra.errorCode ? { error_code: extra.errorCode } : {}),
            ...(extra.tag ? { tag: extra.tag } : {}),
          },
        },
        calls,
      );
      if (settled && status === 'unknown')
        await deps.boss.send(
          'settle-send',
          { messageId: m.id, correlationId: `message:${m.id}` },
          { startAfter: new Date(at.getTime() + SETTLE_DEADLINE_MS), db: bossDb(tx) },
        );
    });
  } catch (e) {
    drain?.audit.unshift(...calls);
    throw e;
  }
}

/** Writes the audit rows of calls no settle took (a send that ended in a retry). */
async function flushCallAudit(deps: MessagingDeps, drain: Drain): Promise<void> {
  const rows = drain.audit.splice(0);
  await appendAuditRows(deps.db, rows).catch((e: unknown) =>
    deps.log.error({ err: (e as Error).message, rows: rows.length }, 'audit write failed'),
  );
}

async function sendOne(deps: MessagingDeps, m: MessageRecord, drain: Drain): Promise<void> {
  const found = await accountWithToken(deps.db, deps.vault, m.accountId);
  const account = found?.account;
  if (account?.status !== 'active') {
    await settleWith(deps, m, 'failed', { errorCode: 'ACCOUNT_REAUTH_REQUIRED' }, drain);
    return;
  }
  const conv = await getConversation(deps.db, m.accountId, m.userId);
  const refused = policyRefusal(deps, conv, m.userId, m.humanAgent);
  if (refused) {
    await settleWith(deps, m, 'refused', { errorCode: refused.code }, drain);
    return;
  }
  const token = found?.token;
  if (!m.textCiphertext || !token) {
    await settleWith(deps, m, 'failed', { errorCode: m.textCiphertext ? 'NO_TOKEN' : 'TEXT_PURGED' }, drain);
    return;
  }
  const text = deps.vault.open(m.textCiphertext).plaintext;
  let claimed: boolean;
  try {
    // The slot's grant and the move to `sending` are one statement: durable before the call, so a crash from
    // here on leaves `sending`, which is settled as `unknown`, not resent.
    ({ claimed } = await acquireSendSlot(
      deps.db,
      account.id,
      'text',
      { now: () => deps.clock.now(), sleep: deps.sleep },
      { messageId: m.id, at: now(deps) },
    ));
  } catch (e) {
    if (e instanceof SendRateWaitTooLong) throw new JobError('rate_limit', 'SEND_RATE_WAIT');
    throw e;
  }
  if (!claimed) return;
  if (drain.client?.token !== token)
    drain.client = {
      token,
      messaging: messagingClientFor(deps, account, token, (entry) => drain.audit.push(entry)),
    };
  const requeue = () => settleMessage(deps.db, m.id, ['sending'], { status: 'queued' }, now(deps));
  let result: SendResult;
  try {
    result = await drain.client.messaging.sendText(m.userId, text, {
      conversation: { lastUserMessageAt: conv?.lastInboundAt ?? null },
      humanAgent: m.humanAgent,
      dedupeKey: m.id,
      ...(m.correlationId ? { correlationId: m.correlationId } : {}),
    });
  } catch (e) {
    try {
      if (e instanceof MessagingPolicyError) {
        await settleWith(deps, m, 'refused', { errorCode: e.code }, drain);
        return;
      }
      if (e instanceof TooManyRequestsError) {
        await pauseSends(deps.db, account.id, deps.clock.now() + Math.max(1000, e.retryAfterMs));
        await requeue();
        throw new JobError('rate_limit', 'RATE_LIMITED');
      }
      if (e instanceof AppError && e.statusCode < 500) {
        await settleWith(deps, m, 'failed', { errorCode: e.code }, drain);
        return;
      }
      // Definitely not accepted by Meta (the client reports "maybe accepted" as outcome unknown): retry.
      await requeue();
      throw new JobError('transient', e instanceof AppError ? e.code : 'SEND_ERROR');
    } finally {
      if (drain.audit.length > 0) await flushCallAudit(deps, drain);
    }
  }
  if (result.outcome === 'sent')
    await settleWith(
      deps,
      m,
      'sent',
      {
        ...(result.messageId ? { mid: result.messageId } : {}),
        ...(result.tag ? { tag: result.tag } : {}),
        sentAt: new Date(result.sentAt),
      },
      drain,
    );
  else await settleWith(deps, m, 'unknown', { errorCode: result.error.code }, drain);
}

/** The `settle-send` job: a send still `unknown` at its deadline (no echo came) is marked for review. */
export async function handleSettleJob(deps: MessagingDeps, data: { messageId: string }): Promise<void> {
  const m = await getMessage(deps.db, data.messageId);
  if (m?.status !== 'unknown') return;
  const at = now(deps);
  await deps.db.transaction(async (tx) => {
    if (!(await settleMessage(tx, m.id, ['unknown'], { status: 'review', errorCode: m.errorCode }, at)))
      return;
    await appendAudit(tx, {
      actor: 'messaging',
      action: 'message.needs_review',
      resourceType: 'message',
      resourceId: m.id,
      correlationId: m.correlationId,
      outcome: 'review',
      metadata: { accountId: m.accountId, recipient_id: m.userId, reason: 'no echo before the deadline' },
    });
  });
}

/** Dead-letter reaction: the send's retries are exhausted. */
export async function onSendDeadLetter(
  deps: MessagingDeps,
  data: { messageId: string },
  dl: DeadLetter,
): Promise<void> {
  const m = await getMessage(deps.db, data.messageId);
  if (m) await settleWith(deps, m, 'failed', { errorCode: dl.errorCode });
}
