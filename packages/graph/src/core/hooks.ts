import type { GraphApiError, GraphNetworkError } from './errors.js';
import type { UsageSnapshot } from './usage-headers.js';

/** HTTP methods the client sends. */
export type GraphMethod = 'GET' | 'POST' | 'DELETE';

/**
 * Passed to `hooks.beforeRequest`. Redacted: the URL has no `appsecret_proof` (the token is never in a URL),
 * headers have no `Authorization`, and bodies are described, never included (they may hold message text).
 */
export interface RequestEvent {
  method: GraphMethod;
  url: string;
  headers: Record<string, string>;
  bodyType: 'none' | 'json' | 'form';
  /** 1 for the first try, 2 for the first retry, … */
  attempt: number;
}

/** Passed to `hooks.afterResponse` after every attempt (HTTP response or network failure). */
export interface ResponseEvent {
  method: GraphMethod;
  url: string;
  attempt: number;
  /** HTTP status; 0 when no response arrived. */
  status: number;
  durationMs: number;
  usage?: UsageSnapshot;
  /** The (already redacted) error this attempt produced, if any. */
  error?: GraphApiError | GraphNetworkError;
  /** Whether the client will retry after this attempt. */
  willRetry: boolean;
}

/** Observability hooks; they receive redacted data only. A throwing hook fails the call. */
export interface GraphHooks {
  beforeRequest?(event: RequestEvent): void;
  afterResponse?(event: ResponseEvent): void;
}
