/**
 * What people do with dead letters: list, show (the sealed payload only for callers who may read messages),
 * replay and discard. Replays are idempotent: replaying an event that was processed since is a no-op, and a
 * send whose outcome is unknown is never replayed (it may have reached the user). Every action is audited.
 */
import { appendAudit } from '../audit/audit-log.js';
import { ServiceError } from '../errors.js';
import type { Db } from '../store/db.js';
import {
  type DeadLetter,
  deadLetterPayload,
  getDeadLetter,
  resolveDeadLetter,
} from '../store/dead-letters.js';
import { getInboxEntry } from '../store/inbox.js';
import { getMessage } from '../store/messages.js';
import type { Vault } from '../vault/vault.js';
import type { PgBoss } from './boss.js';

export interface DeadLetterDeps {
  db: Db;
  boss: PgBoss;
  vault: Vault;
  now: () => Date;
  /** Puts a failed post back on the schedule (the scheduler's reschedule). */
  reschedulePost: (postId: string, at: Date, opts: { actor: string; reason: string }) => Promise<unknown>;
}

export interface DeadLetterView extends DeadLetter {
  /** The kept payload, opened — only when the caller may read messages. */
  payload?: string;
}

async function mustGetOpen(db: Db, id: string): Promise<DeadLetter> {
  const dl = await getDeadLetter(db, id);
  if (!dl) throw new ServiceError('NOT_FOUND', `no dead letter ${id}`);
  if (dl.status !== 'open')
    throw new ServiceError('INVALID_STATE', `dead letter ${id} is already ${dl.status}`, {
      status: dl.status,
    });
  return dl;
}

export async function showDeadLetter(
  deps: DeadLetterDeps,
  id: string,
  opts: { canReadMessages: boolean },
): Promise<DeadLetterView> {
  const dl = await getDeadLetter(deps.db, id);
  if (!dl) throw new ServiceError('NOT_FOUND', `no dead letter ${id}`);
  if (!opts.canReadMessages || !dl.hasPayload) return dl;
  const sealed = await deadLetterPayload(deps.db, id);
  if (!sealed) return dl;
  const opened = deps.vault.open(sealed).plaintext;
  return {
    ...dl,
    payload: dl.queue === 'webhook-receiver' ? Buffer.from(opened, 'base64').toString('utf8') : opened,
  };
}

const ref = (dl: DeadLetter, key: string): string => {
  const v = dl.payloadRef[key];
  if (typeof v !== 'string')
    throw new ServiceError('INVALID_STATE', `dead letter ${dl.id} has no ${key} to replay`);
  return v;
};

/** Replays a dead letter. Resolves what happened: `requeued`, or `noop` when the work was done meanwhile. */
export async function replayDeadLetter(
  deps: DeadLetterDeps,
  id: string,
  opts: { actor: string; correlationId?: string },
): Promise<{ deadLetter: DeadLetter; result: 'requeued' | 'noop' }> {
  const dl = await mustGetOpen(deps.db, id);
  let result: 'requeued' | 'noop' = 'requeued';
  switch (dl.queue) {
    case 'webhook-event': {
      const inboxId = ref(dl, 'inboxId');
      const entry = await getInboxEntry(deps.db, inboxId);
      if (!entry || entry.status === 'processed') result = 'noop';
      else {
        await deps.db.query(
          `UPDATE webhook_inbox SET status = 'pending' WHERE id = $1 AND status <> 'processed'`,
          [inboxId],
        );
        await deps.boss.send('webhook-event', { inboxId, correlationId: `webhook:${inboxId}` });
      }
      break;
    }
    case 'send-message': {
      const messageId = ref(dl, 'messageId');
      const m = await getMessage(deps.db, messageId);
      if (!m || m.status === 'sent') result = 'noop';
      else if (m.status !== 'failed')
        throw new ServiceError(
          'INVALID_STATE',
          `message ${messageId} is ${m.status}; only failed sends are replayed (never a send that may have arrived)`,
          {
            status: m.status,
          },
        );
      else {
        await deps.db.query(
          `UPDATE messages SET status = 'queued', error_code = NULL WHERE id = $1 AND status = 'failed'`,
          [messageId],
        );
        await deps.boss.send('send-message', { messageId, correlationId: `message:${messageId}` });
      }
      break;
    }
    case 'publish-post':
      await deps.reschedulePost(ref(dl, 'postId'), deps.now(), {
        actor: opts.actor,
        reason: `replayed dead letter ${dl.id}`,
      });
      break;
    case 'refresh-insights':
    case 'refresh-token':
    case 'settle-send':
    case 'purge-messages':
      await deps.boss.send(dl.queue, dl.payloadRef);
      break;
    default:
      throw new ServiceError(
        'INVALID_STATE',
        `dead letters of ${dl.queue} cannot be replayed (the delivery itself was invalid); inspect and discard it`,
      );
  }
  await deps.db.transaction(async (tx) => {
    await resolveDeadLetter(tx, id, 'replayed', deps.now());
    await appendAudit(tx, {
      actor: opts.actor,
      action: 'dead_letter.replay',
      resourceType: 'dead_letter',
      resourceId: id,
      correlationId: opts.correlationId,
      outcome: result,
      metadata: { queue: dl.queue, code: dl.errorCode },
    });
  });
  return { deadLetter: (await getDeadLetter(deps.db, id)) as DeadLetter, result };
}

export async function discardDeadLetter(
  deps: DeadLetterDeps,
  id: string,
  opts: { actor: string; correlationId?: string },
): Promise<DeadLetter> {
  const dl = await mustGetOpen(deps.db, id);
  await deps.db.transaction(async (tx) => {
    await resolveDeadLetter(tx, id, 'discarded', deps.now());
    await appendAudit(tx, {
      actor: opts.actor,
      action: 'dead_letter.discard',
      resourceType: 'dead_letter',
      resourceId: id,
      correlationId: opts.correlationId,
      outcome: 'discarded',
      metadata: { queue: dl.queue, code: dl.errorCode },
    });
  });
  return (await getDeadLetter(deps.db, id)) as DeadLetter;
}
