/**
 * The audit trail: append-only rows in `audit_log` (the table refuses UPDATE and DELETE; see migration 001).
 * Written for every mutating Graph call, post state transition and security event. Rows hold ids, codes,
 * sizes and outcomes: never message text, captions, tokens or app secrets ({@link sanitizeMetadata} drops
 * those keys defensively, whatever a caller passes).
 */
import type { MessagingAuditEvent, MessagingAuditSink, MessagingSecurityEvent } from '@igkit/graph';
import type { Logger } from '../log/logger.js';
import type { Queryable } from '../store/db.js';
import { filtered } from '../store/filters.js';

export interface AuditEntry {
  actor: string;
  action: string;
  resourceType: string;
  resourceId?: string | undefined;
  correlationId?: string | undefined;
  outcome: string;
  graphCode?: number | undefined;
  graphSubcode?: number | undefined;
  fbtraceId?: string | undefined;
  metadata?: Record<string, unknown>;
}

export interface AuditRow {
  id: string;
  at: Date;
  actor: string;
  action: string;
  resource_type: string;
  resource_id: string | null;
  correlation_id: string | null;
  outcome: string;
  graph_code: number | null;
  graph_subcode: number | null;
  fbtrace_id: string | null;
  metadata: Record<string, unknown>;
}

/** Keys whose values are content or credentials: never stored in an audit row. */
const FORBIDDEN_KEYS =
  /^(text|caption|message|body|payload|access_?token|token|app_?secret|secret|authorization|password|api_?key)$/i;

/** Copies `metadata` without content or credential keys (at any depth). */
export function sanitizeMetadata(metadata: Record<string, unknown> = {}): Record<string, unknown> {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, inner] of Object.entries(v)) if (!FORBIDDEN_KEYS.test(k)) out[k] = walk(inner);
      return out;
    }
    return v;
  };
  return walk(metadata) as Record<string, unknown>;
}

/** Appends one row. Use inside a transaction (`tx`) to make the row part of the change it records. */
export async function appendAudit(q: Queryable, e: AuditEntry): Promise<void> {
  await q.query(
    `INSERT INTO audit_log (actor, action, resource_type, resource_id, correlation_id, outcome,
       graph_code, graph_subcode, fbtrace_id, metadata)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      e.actor,
      e.action,
      e.resourceType,
      e.resourceId ?? null,
      e.correlationId ?? null,
      e.outcome,
      e.graphCode ?? null,
      e.graphSubcode ?? null,
      e.fbtraceId ?? null,
      JSON.stringify(sanitizeMetadata(e.metadata)),
    ],
  );
}

const AUDIT_COLUMNS =
  'actor, action, resource_type, resource_id, correlation_id, outcome, graph_code, graph_subcode, fbtrace_id, metadata';

/**
 * One audit row as a `SELECT` list of parameters appended to `params` (typed, so rows can be combined with
 * `UNION ALL` and with other statements); the metadata is sanitized like {@link appendAudit}'s.
 */
function auditSelect(e: AuditEntry, params: unknown[], from = ''): string {
  const p = (v: unknown, type: string) => `$${params.push(v)}::${type}`;
  return `SELECT ${[
    p(e.actor, 'text'),
    p(e.action, 'text'),
    p(e.resourceType, 'text'),
    p(e.resourceId ?? null, 'text'),
    p(e.correlationId ?? null, 'text'),
    p(e.outcome, 'text'),
    p(e.graphCode ?? null, 'int'),
    p(e.graphSubcode ?? null, 'int'),
    p(e.fbtraceId ?? null, 'text'),
    p(JSON.stringify(sanitizeMetadata(e.metadata)), 'jsonb'),
  ].join(', ')}${from}`;
}

/** Appends several rows in one statement (in order). */
export async function appendAuditRows(q: Queryable, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const params: unknown[] = [];
  const rows = entries.map((e) => auditSelect(e, params)).join(' UNION ALL ');
  await q.query(`INSERT INTO audit_log (${AUDIT_COLUMNS}) ${rows}`, params);
}

/**
 * Runs `change` (an `UPDATE … RETURNING` whose parameters are `changeParams`, numbered from $1) and, in the same
 * statement, appends `before` (unconditionally, in order) and then `entry` once per row the change returned.
 * Resolves whether the change matched a row. One round trip for a state change, its audit row and the audit
 * rows of the calls that led to it.
 */
export async function changeWithAudit(
  q: Queryable,
  change: { sql: string; params: unknown[] },
  entry: AuditEntry,
  before: readonly AuditEntry[] = [],
): Promise<boolean> {
  const params = [...change.params];
  const selects = before.map((e) => auditSelect(e, params));
  selects.push(auditSelect(entry, params, ' FROM changed'));
  const r = await q.query(
    `WITH changed AS (${change.sql}) INSERT INTO audit_log (${AUDIT_COLUMNS}) ${selects.join(' UNION ALL ')}`,
    params,
  );
  return r.rowCount > before.length;
}

export interface AuditQuery {
  since?: Date;
  until?: Date;
  resourceType?: string;
  resourceId?: string;
  correlationId?: string;
  action?: string;
  /** Rows after this id (paging). */
  afterId?: string;
  limit?: number;
}

/** Reads audit rows in id order with optional filters. */
export async function queryAudit(q: Queryable, f: AuditQuery = {}): Promise<AuditRow[]> {
  const { sql, params } = filtered(
    [
      ['at >= ?', f.since],
      ['at < ?', f.until],
      ['resource_type = ?', f.resourceType],
      ['resource_id = ?', f.resourceId],
      ['correlation_id = ?', f.correlationId],
      ['action = ?', f.action],
      ['id > ?', f.afterId],
    ],
    'id',
    { value: f.limit, fallback: 100, max: 10_000 },
  );
  const rows = await q.query<AuditRow>(`SELECT * FROM audit_log ${sql}`, params);
  return rows.rows.map((r) => ({ ...r, id: String(r.id) }));
}

/**
 * The messaging contract's audit sink (`createInstagramService({ audit })`), writing to the audit table.
 * Sinks must not throw: a failed write is logged (without the event's metadata) and swallowed.
 */
export function auditSink(q: Queryable, log: Logger, actor = 'messaging'): MessagingAuditSink {
  const write = (e: AuditEntry) =>
    appendAudit(q, e).catch((err: unknown) => {
      log.error({ action: e.action, err: (err as Error).message }, 'audit write failed');
    });
  return {
    logAuditEvent: (e: MessagingAuditEvent) =>
      write({
        actor,
        action: e.action,
        resourceType: e.resourceType,
        resourceId: e.metadata.message_id ?? e.metadata.recipient_id,
        correlationId: e.correlationId,
        outcome: e.status,
        metadata: {
          recipient_id: e.metadata.recipient_id,
          message_length: e.metadata.message_length,
          status: e.metadata.status,
          attempts: e.metadata.attempts,
          ...(e.metadata.error_code ? { error_code: e.metadata.error_code } : {}),
        },
      }),
    logSecurityEvent: (e: MessagingSecurityEvent) =>
      write({
        actor,
        action: `security.${e.event}`,
        resourceType: e.resourceType,
        resourceId: e.metadata.recipient_id,
        correlationId: e.correlationId,
        outcome: 'observed',
        metadata: { ...e.metadata },
      }),
  };
}

/** Records a security event (bad webhook signature, refused key, …). */
export function logSecurityEvent(
  q: Queryable,
  e: {
    action: string;
    resourceType: string;
    resourceId?: string;
    correlationId?: string;
    metadata?: Record<string, unknown>;
  },
): Promise<void> {
  return appendAudit(q, { actor: 'security', outcome: 'refused', ...e, action: `security.${e.action}` });
}
