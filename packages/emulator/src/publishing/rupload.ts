/**
 * Resumable upload (`upload_type=resumable`): the container's `uri` points at this server's
 * `/rupload/ig-api-upload/{version}/{container-id}` (Meta: rupload.facebook.com). POST with
 * `Authorization: OAuth <token>`, `offset`, `file_size` and the raw bytes, or with a `file_url`
 * header. The emulator commits bytes up to the contiguous offset (also when the client disconnects
 * mid-body) and answers `GET` on the same uri with the committed offset (emulator behaviour: Meta's
 * resume query is undocumented).
 * Source: https://developers.facebook.com/documentation/instagram-platform/content-publishing/resumable-uploads
 */
import type { AccountRecord } from '../core/accounts.js';
import { invalidParameter, unsupportedRequest } from '../core/errors.js';
import type { EmulatorContext, GraphRequest, RouteResult } from '../core/types.js';
import { videoProcessMs } from './create.js';
import { videoOutcome } from './media-rules.js';
import { describeMediaUrl, uploadedVideoProps } from './media-url.js';
import type { Container, PublishingStore } from './store.js';

function uploadError(message: string, extra: Record<string, unknown> = {}): Error {
  return invalidParameter(message, undefined, {
    extra: { debug_info: { retriable: false, type: 'ProcessingFailedError', message }, ...extra },
  });
}

function containerFor(
  ctx: EmulatorContext,
  store: PublishingStore,
  req: GraphRequest,
): { c: Container; account: AccountRecord } {
  const id = req.params['containerId']!;
  const c = store.containers.get(id);
  if (c === undefined || c.upload === undefined) throw unsupportedRequest(req.method, id);
  const auth = ctx.requireAuth(req, { node: c.igUserId, capability: 'content_publish' });
  return { c, account: auth.account! };
}

function progress(c: Container): Record<string, unknown> {
  return { offset: c.upload!.offset, file_size: c.upload!.fileSize, complete: c.readyAt !== null };
}

function complete(
  ctx: EmulatorContext,
  c: Container,
  account: AccountRecord,
  props: ReturnType<typeof uploadedVideoProps>,
): void {
  const now = ctx.clock.now();
  c.props = props;
  c.processMs = videoProcessMs(ctx, account, c.id, props);
  if (c.outcome.kind === 'finish') c.outcome = videoOutcome(c.kind, props, c.thumbOffsetMs);
  c.readyAt = now + c.processMs;
}

/** `POST /rupload/ig-api-upload/{version}/{container-id}`. */
export function uploadChunk(ctx: EmulatorContext, store: PublishingStore, req: GraphRequest): RouteResult {
  const { c, account } = containerFor(ctx, store, req);
  const up = c.upload!;
  if (c.readyAt !== null)
    return {
      body: { success: true, message: 'Upload successful. The file was already uploaded.', ...progress(c) },
    };

  const fileUrl = req.headers['file_url'];
  if (fileUrl !== undefined && fileUrl !== '') {
    up.viaUrl = fileUrl;
    const props = describeMediaUrl(fileUrl, 'video');
    up.fileSize = props.sizeBytes;
    up.offset = props.sizeBytes;
    complete(ctx, c, account, props);
    return {
      body: {
        success: true,
        message: 'Upload successful. Media is being fetched from file_url and processed.',
      },
    };
  }

  const fileSize = Number(req.headers['file_size']);
  if (!Number.isInteger(fileSize) || fileSize <= 0)
    throw uploadError('Header file_size must be a positive integer');
  const offset = req.headers['offset'] === undefined ? 0 : Number(req.headers['offset']);
  if (!Number.isInteger(offset) || offset < 0) throw uploadError('Header offset must be an integer >= 0');
  if (up.fileSize !== null && up.fileSize !== fileSize)
    throw uploadError(`file_size ${fileSize} differs from the size of this upload (${up.fileSize})`);
  up.fileSize = fileSize;
  if (offset > up.offset)
    throw uploadError(
      `offset ${offset} is past the committed offset ${up.offset}; resume from ${up.offset}`,
      { offset: up.offset },
    );
  up.offset = Math.max(up.offset, Math.min(fileSize, offset + req.bodyLength));
  if (up.offset < fileSize)
    return {
      body: {
        success: false,
        message: `Upload incomplete: ${up.offset} of ${fileSize} bytes committed.`,
        ...progress(c),
      },
    };
  complete(ctx, c, account, uploadedVideoProps(fileSize));
  return { body: { success: true, message: 'Upload successful. Media is being processed.' } };
}

/** `GET /rupload/ig-api-upload/{version}/{container-id}`: committed offset (emulator behaviour). */
export function uploadStatus(ctx: EmulatorContext, store: PublishingStore, req: GraphRequest): RouteResult {
  const { c } = containerFor(ctx, store, req);
  return { body: progress(c) };
}
