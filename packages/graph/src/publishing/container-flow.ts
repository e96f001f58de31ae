/**
 * The container flow every publish goes through:
 * `POST /{ig-id}/media` → `GET /{container}?fields=status_code` until FINISHED → `POST /{ig-id}/media_publish`
 * → best-effort `GET /{media}?fields=permalink`.
 *
 * Container creation and `media_publish` are never retried here (`retry: false`): a repeated POST could create
 * a second container or a second post. Status reads are not retried by the client either; the poll loop
 * itself tolerates transient read failures (network, 5xx) until its deadline.
 */
import type { GraphClient, RequestOptions } from '../core/client.js';
import { sleepWithSignal } from '../core/retry.js';
import type { Clock, Sleep } from '../core/time.js';
import { DEFAULT_MAX_WAIT_MS, nextPollDelay, type PollScheduleOptions } from './poll-schedule.js';
import {
  failure,
  PublishFailure,
  type PublishStep,
  retryableSubcode,
  subcodeFromStatus,
  toPublishError,
} from './publish-errors.js';

/** What the flow functions need. */
export interface FlowContext {
  client: GraphClient;
  igUserId: string;
  clock: Clock;
  sleep: Sleep;
  /** Aborts waits and calls. */
  signal?: AbortSignal;
}

/** Container parameters (`POST /{ig-id}/media` form fields). */
export type ContainerParams = Record<string, string | number | boolean | undefined>;

/** Container `status_code` values. */
export type ContainerStatusCode = 'IN_PROGRESS' | 'FINISHED' | 'PUBLISHED' | 'ERROR' | 'EXPIRED';

/** Result of {@link waitForContainer}. */
export interface WaitOutcome {
  statusCode: 'FINISHED' | 'PUBLISHED';
  statusReads: number;
  waitedMs: number;
}

/** Options of every publishing read and write: no in-call retries (see the module comment), the caller's signal. */
export function noRetry(signal: AbortSignal | undefined): RequestOptions {
  return signal ? { retry: false, signal } : { retry: false };
}

async function call<T>(step: PublishStep, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw new PublishFailure(toPublishError(e, step));
  }
}

/** Creates a container; resolves its id. Throws {@link PublishFailure}. */
export async function createContainer(ctx: FlowContext, params: ContainerParams): Promise<string> {
  const res = await call('create', () =>
    ctx.client.post<{ id?: unknown }>(`/${ctx.igUserId}/media`, params, noRetry(ctx.signal)),
  );
  if (typeof res?.id !== 'string' && typeof res?.id !== 'number') {
    throw failure('API_ERROR', 'Container creation returned no id.', false, { step: 'create' });
  }
  return String(res.id);
}

/** Reads a container's status once (`fields=status_code`, or more fields when asked). */
export async function readContainer(
  ctx: FlowContext,
  containerId: string,
  fields = 'status_code',
): Promise<{ status_code?: string; status?: string; id?: string }> {
  return call('status', () => ctx.client.get(`/${containerId}`, { fields }, noRetry(ctx.signal)));
}

async function errorStatusText(
  ctx: FlowContext,
  containerId: string,
  known: unknown,
): Promise<string | undefined> {
  if (typeof known === 'string') return known;
  try {
    const c = await readContainer(ctx, containerId, 'status_code,status');
    return typeof c.status === 'string' ? c.status : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Polls until the container is FINISHED (or already PUBLISHED). ERROR/EXPIRED → `CONTAINER_ERROR`; past the
 * schedule → `CONTAINER_TIMEOUT` (retryable, `details.containerId`). Rate limits and auth errors end the wait.
 */
export async function waitForContainer(
  ctx: FlowContext,
  containerId: string,
  schedule: PollScheduleOptions,
  /**
   * When the schedule's time starts (default: now). Containers created together (carousel children) are
   * waited for one after another from one origin: the first read of a later one is immediate, the next ones
   * are spaced by the time elapsed since the origin, and `maxWaitTime` counts from it (one budget).
   */
  origin?: number,
): Promise<WaitOutcome> {
  const start = origin ?? ctx.clock.now();
  let reads = 0;
  let lastReadAtMs = 0;
  let lastStatus: string | undefined;
  for (;;) {
    const elapsed = ctx.clock.now() - start;
    const delay = nextPollDelay(schedule, { elapsedMs: elapsed, reads, lastReadAtMs });
    if (delay === undefined) {
      throw failure(
        'CONTAINER_TIMEOUT',
        `Container ${containerId} was not ready within ${schedule.maxWaitTime ?? DEFAULT_MAX_WAIT_MS} ms.`,
        true,
        {
          containerId,
          statusReads: reads,
          waitedMs: elapsed,
          lastStatus: lastStatus ?? null,
        },
      );
    }
    if (delay > 0) await sleepWithSignal(ctx.sleep, delay, ctx.signal);
    lastReadAtMs = ctx.clock.now() - start;
    reads++;
    let c: { status_code?: string; status?: string };
    try {
      c = await readContainer(ctx, containerId);
    } catch (e) {
      const info = (e as PublishFailure).info;
      // A read that failed without a verdict on the container (no response, 5xx) is simply read again;
      // `retryable` already excludes caller aborts and definite refusals.
      if (info.retryable && (info.code === 'NETWORK_ERROR' || info.code === 'API_ERROR')) continue;
      throw new PublishFailure({ ...info, details: { ...info.details, containerId } });
    }
    lastStatus = c.status_code;
    if (c.status_code === 'FINISHED' || c.status_code === 'PUBLISHED') {
      return { statusCode: c.status_code, statusReads: reads, waitedMs: ctx.clock.now() - start };
    }
    if (c.status_code === 'ERROR' || c.status_code === 'EXPIRED') {
      const status = await errorStatusText(ctx, containerId, c.status);
      const subcode = subcodeFromStatus(status);
      const details: Record<string, unknown> = {
        containerId,
        statusCode: c.status_code,
        status: status ?? null,
      };
      if (subcode !== undefined) details['graphSubcode'] = subcode;
      const retryable = retryableSubcode(subcode);
      throw failure(
        'CONTAINER_ERROR',
        c.status_code === 'EXPIRED'
          ? `Container ${containerId} expired before it was published.`
          : `Container ${containerId} failed processing.`,
        retryable,
        details,
      );
    }
  }
}

/** `POST /{ig-id}/media_publish` once; resolves the media id. Throws {@link PublishFailure}. */
export async function publishContainer(ctx: FlowContext, containerId: string): Promise<string> {
  const res = await call('publish', () =>
    ctx.client.post<{ id?: unknown }>(
      `/${ctx.igUserId}/media_publish`,
      { creation_id: containerId },
      noRetry(ctx.signal),
    ),
  );
  if (typeof res?.id !== 'string' && typeof res?.id !== 'number') {
    throw failure('API_ERROR', 'media_publish returned no id.', false, { step: 'publish', containerId });
  }
  return String(res.id);
}

/** The media's permalink, or `undefined` if the read fails (never throws). */
export async function fetchPermalink(ctx: FlowContext, mediaId: string): Promise<string | undefined> {
  try {
    const m = await ctx.client.get<{ permalink?: unknown }>(
      `/${mediaId}`,
      { fields: 'permalink' },
      noRetry(ctx.signal),
    );
    return typeof m?.permalink === 'string' ? m.permalink : undefined;
  } catch {
    return undefined;
  }
}

/** Creates a container with `upload_type=resumable`; resolves its id and upload `uri`. */
export async function createUploadContainer(
  ctx: FlowContext,
  params: Record<string, string | number | boolean | undefined>,
): Promise<{ id: string; uri: string }> {
  const res = await call('create', () =>
    ctx.client.post<{ id?: unknown; uri?: unknown }>(`/${ctx.igUserId}/media`, params, noRetry(ctx.signal)),
  );
  if (typeof res?.id !== 'string' || typeof res.uri !== 'string') {
    throw failure('API_ERROR', 'Resumable container creation returned no id/uri.', false, { step: 'create' });
  }
  return { id: res.id, uri: res.uri };
}
