/** Validated settings of a `MessagingClient`, resolved once from its options. */
import { createHash } from 'node:crypto';
import type { GraphClient } from '../core/client.js';
import { DEFAULT_GRAPH_VERSION } from '../core/request-url.js';
import { realSleep } from '../core/time.js';
import { createSendTransport } from './attempt.js';
import type { MessagingClientOptions } from './client-types.js';
import { ConfigurationError } from './errors.js';
import { getSharedSendLimiter, type SendLimiter } from './limiter.js';
import { createReconciliationKey } from './reconcile.js';
import { MESSAGING_RETRY_DEFAULTS } from './retry-timing.js';

/** What a `MessagingClient` sends with. */
export interface ClientConfig {
  graph: GraphClient;
  /** `/me/messages` (Instagram Login) or `/{pageId}/messages` (Facebook Login). */
  path: string;
  token: string | undefined;
  /** IG user id, else page id, else a hash of the token: the limiter's per-account key. */
  limiterKey: string;
  accountId: string | undefined;
  limiter: SendLimiter | undefined;
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  maxAttempts: number;
  reconciliationKey: string | Uint8Array;
}

/** Validates the options (→ `ConfigurationError`, never quoting a value) and fills in the defaults. */
export function resolveClientConfig(options: MessagingClientOptions): ClientConfig {
  const token = options.accessToken;
  if (!options.graph && (typeof token !== 'string' || token.trim() === '')) {
    throw new ConfigurationError('MessagingClient needs an accessToken (or a graph client)', {
      code: 'MISSING_ACCESS_TOKEN',
    });
  }
  if (options.login !== 'instagram' && options.login !== 'facebook') {
    throw new ConfigurationError('login must be "instagram" or "facebook"', { code: 'INVALID_LOGIN' });
  }
  if (options.login === 'facebook' && !options.pageId) {
    throw new ConfigurationError('login "facebook" sends via /{pageId}/messages: pageId is required', {
      code: 'MISSING_PAGE_ID',
    });
  }
  const clock = options.clock;
  const now = clock ? () => clock.now() : Date.now;
  const accountId = options.igUserId ?? options.pageId;
  const graph =
    options.graph ??
    createSendTransport({
      accessToken: token as string,
      host: options.host ?? options.baseUrl ?? options.login,
      version: options.version ?? DEFAULT_GRAPH_VERSION,
      now,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  return {
    graph,
    path:
      options.login === 'facebook'
        ? `/${encodeURIComponent(options.pageId as string)}/messages`
        : '/me/messages',
    token,
    limiterKey:
      accountId ??
      (token !== undefined
        ? `token:${createHash('sha256').update(token).digest('hex').slice(0, 24)}`
        : `graph:${graph.baseUrl}`),
    accountId,
    limiter:
      options.limiter === false
        ? undefined
        : (options.limiter ??
          getSharedSendLimiter({
            ...(options.clock ? { clock: options.clock } : {}),
            ...(options.sleep ? { sleep: options.sleep } : {}),
          })),
    now,
    sleep: options.sleep ?? realSleep,
    maxAttempts: Math.max(1, options.maxAttempts ?? MESSAGING_RETRY_DEFAULTS.attempts),
    reconciliationKey: options.reconciliationKey ?? createReconciliationKey(),
  };
}
