/**
 * Where and how the service reaches the Graph API: Meta's hosts, `IGKIT_GRAPH_URL`, or the embedded emulator;
 * every client built here reports its mutating calls to the audit trail (and any observer, e.g. metrics).
 */
import { GraphClient, type ResponseEvent } from '@igkit/graph';
import { type AuditEntry, appendAudit } from '../audit/audit-log.js';
import { currentCorrelationId, type Logger } from '../log/logger.js';
import type { Queryable } from '../store/db.js';

export interface GraphTarget {
  /** A base URL (IGKIT_GRAPH_URL, the emulator); unset = Meta's host for the account's login type. */
  baseUrl?: string | undefined;
  /** Meta app secret: adds `appsecret_proof` to every call. */
  appSecret?: string | undefined;
  fetch?: typeof fetch | undefined;
  /** Per-attempt timeout of every Graph call, in ms. @default the client's (30 s) */
  timeoutMs?: number | undefined;
  /** Sees every Graph response (metrics). */
  observe?: ((event: ResponseEvent, accountId: string) => void) | undefined;
}

/**
 * The host for an account: the configured base URL, else Meta's host for its login type (Instagram Login
 * tokens are served by graph.instagram.com, Facebook Login tokens by graph.facebook.com).
 */
export function hostFor(target: GraphTarget, loginType: 'instagram' | 'facebook'): string {
  return target.baseUrl ?? loginType;
}

/** The audit action of a mutating call, from its method and (redacted) URL path; `undefined` for reads. */
export function graphCallAction(method: string, url: string): string | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  if (/\/refresh_access_token$|\/oauth\/access_token$|\/access_token$/.test(path))
    return 'graph.token_refresh';
  if (method === 'GET') return undefined;
  if (method === 'DELETE') return 'graph.delete';
  if (path.endsWith('/media_publish')) return 'graph.media_publish';
  if (path.endsWith('/media')) return 'graph.container_create';
  if (path.endsWith('/messages')) return 'graph.message_send';
  if (path.endsWith('/subscribed_apps') || path.endsWith('/subscriptions')) return 'graph.subscribe';
  return 'graph.post';
}

/** A client for one account, with the audit hook installed. */
export function graphClientFor(
  target: GraphTarget,
  deps: { db: Queryable; log: Logger },
  account: { id: string; accessToken: string; loginType: 'instagram' | 'facebook' },
  actor = 'scheduler',
  /** Takes the audit rows instead of writing each at once (the send loop writes them with its settle). */
  onAudit?: (entry: AuditEntry) => void,
): GraphClient {
  return new GraphClient({
    accessToken: account.accessToken,
    host: hostFor(target, account.loginType),
    accountId: account.id,
    ...(target.appSecret ? { appSecret: target.appSecret } : {}),
    ...(target.fetch ? { fetch: target.fetch } : {}),
    ...(target.timeoutMs ? { timeoutMs: target.timeoutMs } : {}),
    hooks: {
      afterResponse(e) {
        target.observe?.(e, account.id);
        const action = graphCallAction(e.method, e.url);
        if (!action) return;
        const err = e.error as { code?: number; subcode?: number; fbtraceId?: string } | undefined;
        const entry: AuditEntry = {
          actor,
          action,
          resourceType: 'ig_account',
          resourceId: account.id,
          correlationId: currentCorrelationId(),
          outcome: e.error ? 'failure' : 'success',
          graphCode: err?.code,
          graphSubcode: err?.subcode,
          fbtraceId: err?.fbtraceId,
          metadata: { status: e.status, attempt: e.attempt, path: new URL(e.url).pathname },
        };
        if (onAudit) {
          onAudit(entry);
          return;
        }
        appendAudit(deps.db, entry).catch((error: unknown) =>
          deps.log.error({ action, err: (error as Error).message }, 'audit write failed'),
        );
      },
    },
  });
}
