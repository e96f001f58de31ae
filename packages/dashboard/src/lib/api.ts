/**
 * The dashboard's only way to the service: same-origin `fetch` with the session cookie, the CSRF token on every
 * write, and the API's error body (`{ error: { code, message, details } }`) turned into an {@link ApiError}.
 */

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

let csrfToken: string | undefined;
let onSignedOut: (() => void) | undefined;

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Called when the service answers 401 (session expired or signed out elsewhere). */
export function whenSignedOut(fn: () => void): void {
  onSignedOut = fn;
}

type Query = Record<string, string | number | undefined>;

export function withQuery(path: string, query: Query = {}): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiError(0, 'UNREACHABLE', 'The igkit service cannot be reached. Is it running?');
  }
  if (res.status === 204) return undefined as T;
  const data = (await res.json().catch(() => undefined)) as
    | { error?: { code?: string; message?: string; details?: Record<string, unknown> } }
    | undefined;
  if (!res.ok) {
    const e = data?.error;
    if (res.status === 401 && !path.startsWith('/v1/session')) onSignedOut?.();
    throw new ApiError(res.status, e?.code ?? 'HTTP', e?.message ?? `HTTP ${res.status}`, e?.details ?? {});
  }
  return data as T;
}

// ── The API's shapes, as the dashboard uses them ──────────────────────────────────────────────────────────
export type Scope = 'posts:read' | 'posts:write' | 'messages:read' | 'messages:write' | 'admin';

export interface Session {
  keyId: string;
  name: string;
  scopes: Scope[];
  csrfToken: string;
  expiresAt: string;
}

export const can = (s: Session | undefined, scope: Scope) =>
  !!s && (s.scopes.includes('admin') || s.scopes.includes(scope));

export type PostKind = 'feed' | 'carousel' | 'reel' | 'story';
export type PostState = 'scheduled' | 'publishing' | 'published' | 'failed' | 'needs_attention' | 'cancelled';

export interface MediaItem {
  url: string;
  kind?: 'image' | 'video';
  altText?: string;
}

export interface Post {
  id: string;
  accountId: string;
  kind: PostKind;
  caption?: string;
  hashtags: string[];
  coverUrl?: string;
  storyMedia?: 'image' | 'video';
  media: MediaItem[];
  publishAt: string;
  nextAttemptAt?: string;
  state: PostState;
  attempts: number;
  lastError?: { code: string; message: string; retryable: boolean; details?: Record<string, unknown> };
  publishedAt?: string;
  igMediaId?: string;
  permalink?: string;
}

export interface PostEvent {
  at: string;
  from: PostState | null;
  to: PostState;
  reason: string;
  details: Record<string, unknown>;
}

export interface Account {
  id: string;
  username?: string;
  status: string;
}

export interface Conversation {
  accountId: string;
  userId: string;
  lastInboundAt?: string;
  windowOpen: boolean;
  windowClosesAt?: string;
  humanAgentUntil?: string;
  optedOut: boolean;
}

export interface Message {
  id: string;
  direction: 'inbound' | 'outbound';
  status: string;
  humanAgent: boolean;
  errorCode?: string;
  createdAt: string;
  text?: string;
  byteLength: number;
}

export interface DeadLetter {
  id: string;
  queue: string;
  errorCategory: string;
  errorCode: string;
  attempts: number;
  lastFailedAt: string;
  status: 'open' | 'replayed' | 'discarded';
}

export interface AuditRow {
  id: string;
  at: string;
  actor: string;
  action: string;
  resourceType: string;
  resourceId: string | null;
  outcome: string;
  correlationId: string | null;
  graphCode: number | null;
}

export interface PreflightResult {
  url: string;
  target: string;
  ok: boolean;
  reason?: string;
  message?: string;
  format?: string;
  bytes?: number;
  width?: number;
  height?: number;
  aspectRatio?: number;
  durationSec?: number;
  codec?: string;
}

export interface Operations {
  queues: Array<{ name: string; depth: number; deadLetters: number }>;
  accounts: Array<{
    id: string;
    username?: string;
    status: string;
    usage: Array<{ at: string; maxPercent: number }>;
    publishedLast24h: number;
    publishingLimit:
      | { usage: number; total: number; windowSec: number; available: number }
      | { errorCode: string };
  }>;
}
