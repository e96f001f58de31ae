/**
 * The staged executor shared by {@link InstagramConnector} (no checkpoints) and {@link Publisher}
 * (checkpointed): children → container (→ resumable upload) → ready → publish attempted → published.
 * `record(stage, data)` is awaited before moving on, so a crash resumes at the recorded stage.
 */
import { type CheckpointData, type PublishStage, stageAtLeast } from './checkpoints.js';
import {
  createContainer,
  createUploadContainer,
  type FlowContext,
  fetchPermalink,
  publishContainer,
  waitForContainer,
} from './container-flow.js';
import { DEFAULT_MAX_WAIT_MS, type PollScheduleOptions } from './poll-schedule.js';
import { failure, PublishFailure } from './publish-errors.js';
import type { PublishPlan } from './publish-plan.js';
import { withNextSlot } from './publishing-limit.js';
import { findPublishedMedia, isAmbiguousPublishFailure, readStatusCode } from './reconcile.js';
import { type ResumableUploadOptions, resumableUpload } from './resumable-upload.js';
import type { PublishResult } from './types.js';

/** Where to start (a fresh run: `{ stage: 'started', data: {} }`). */
export interface RunState {
  stage: PublishStage;
  data: CheckpointData;
}

/** Options of {@link executePlan}. */
export interface RunOptions {
  schedule: PollScheduleOptions;
  /** Durable write of a stage; throws (e.g. `BUSY` after a lost lease) to stop the run. */
  record: (stage: PublishStage, data: CheckpointData) => Promise<void>;
  /** `media_publish` calls allowed after ambiguous failures that left the container FINISHED. @default 2 */
  ambiguousRetries?: number;
  /**
   * Wait for image carousel children too before creating the parent (the Publisher). The connector's contract
   * polls only video children, and waits for image children only when the parent is refused as not ready.
   * @default false
   */
  pollImageChildren?: boolean;
  /** Needed when the plan uploads a local file. */
  upload?: Omit<ResumableUploadOptions, 'onProgress'>;
}

/** Data kept beside the checkpoint data while running (not persisted). */
interface Progress {
  statusReads: number;
}

function success(
  ctx: FlowContext,
  plan: PublishPlan,
  data: CheckpointData,
  p: Progress,
  extra: Record<string, unknown> = {},
): PublishResult {
  const metadata: Record<string, unknown> = {
    containerId: data.containerId,
    mediaType: plan.kind,
    apiVersion: ctx.client.version,
    statusReads: p.statusReads,
    ...extra,
  };
  if (data.childIds) metadata['childIds'] = data.childIds;
  if (data.publishAttempts !== undefined) metadata['publishAttempts'] = data.publishAttempts;
  const r: PublishResult = { success: true, metadata };
  if (data.mediaId) r.platformPostId = data.mediaId;
  else metadata['mediaIdUnresolved'] = true;
  if (data.permalink) r.publishedUrl = data.permalink;
  return r;
}

async function finishPublished(
  ctx: FlowContext,
  plan: PublishPlan,
  data: CheckpointData,
  o: RunOptions,
  p: Progress,
  extra: Record<string, unknown> = {},
): Promise<PublishResult> {
  await o.record('published', data);
  if (data.mediaId && !data.permalink) {
    const permalink = await fetchPermalink(ctx, data.mediaId);
    if (permalink) data.permalink = permalink;
  }
  return success(ctx, plan, data, p, extra);
}

/** The container was found PUBLISHED without our media id: look it up, then record `published`. */
async function adoptPublished(
  ctx: FlowContext,
  plan: PublishPlan,
  data: CheckpointData,
  o: RunOptions,
  p: Progress,
): Promise<PublishResult> {
  const found = await findPublishedMedia(ctx, plan, data.publishStartedAt ?? ctx.clock.now() - 24 * 3600_000);
  const next: CheckpointData = found ? { ...data, mediaId: found } : { ...data };
  return finishPublished(ctx, plan, next, o, p, { reconciled: true });
}

/**
 * One `maxWaitTime` budget shared by every wait of a run (video carousel children, then the container), so a
 * publish never waits longer than the caller asked in total. Each call returns the schedule for the next wait
 * with the time that is left (a wait always makes at least one read, even with nothing left).
 */
function waitBudget(ctx: FlowContext, schedule: PollScheduleOptions): () => PollScheduleOptions {
  let start: number | undefined;
  const total = schedule.maxWaitTime ?? DEFAULT_MAX_WAIT_MS;
  return () => {
    const now = ctx.clock.now();
    start ??= now;
    return { ...schedule, maxWaitTime: Math.max(0, total - (now - start)) };
  };
}

/** Meta's "Media ID is not available" subcode: a container named is not FINISHED yet. */
const MEDIA_NOT_READY = 2207027;

function isMediaNotReady(e: unknown): boolean {
  return e instanceof PublishFailure && e.info.details?.['graphSubcode'] === MEDIA_NOT_READY;
}

/**
 * Creates the CAROUSEL parent once its children are FINISHED. With `pollImageChildren` every child is waited for
 * first (the Publisher); without it (the connector's contract) only video children are, and image children —
 * near-instant on Meta — are waited for only if the parent is refused with 2207027, after which the parent is
 * created once more (a refused creation made nothing, so this cannot duplicate anything).
 */
async function createCarouselParent(
  ctx: FlowContext,
  plan: PublishPlan,
  childIds: readonly string[],
  o: RunOptions,
  p: Progress,
  nextWait: () => PollScheduleOptions,
): Promise<string> {
  const params = { ...plan.parent, children: childIds.join(',') };
  // Videos first: they take longest, so by the time they are ready the images usually are too (one read each).
  const videos = childIds.filter((_, i) => plan.children[i]?.media === 'video');
  const first = o.pollImageChildren ? [...videos, ...childIds.filter((id) => !videos.includes(id))] : videos;
  const shared = o.pollImageChildren === true;
  if (first.length > 0) p.statusReads += await waitForChildren(ctx, first, nextWait, shared);
  try {
    return await createContainer(ctx, params);
  } catch (e) {
    const rest = childIds.filter((id) => !first.includes(id));
    if (!isMediaNotReady(e) || rest.length === 0) throw e;
    p.statusReads += await waitForChildren(ctx, rest, nextWait, shared);
    return createContainer(ctx, params);
  }
}

/**
 * Waits until every child container is FINISHED. With `sharedOrigin` (the Publisher): the children process in
 * parallel, so they are read one after another on one schedule and one budget from a shared origin (see {@link waitForContainer}): the first child
 * costs the reads of the wait, every later one that is ready by then a single read — where polling them all
 * at once would read each of them at every step. The latency bound is the same: the parent is created within
 * `max(1.2·T, T + 250 ms)` of the slowest child being ready at T. Resolves the number of status reads.
 */
async function waitForChildren(
  ctx: FlowContext,
  childIds: readonly string[],
  nextWait: () => PollScheduleOptions,
  sharedOrigin: boolean,
): Promise<number> {
  let reads = 0;
  if (!sharedOrigin) {
    // The connector's contract: each polled child gets the adaptive schedule from its own start (first re-read
    // within 250 ms), within the run's one budget.
    for (const id of childIds) reads += (await waitForContainer(ctx, id, nextWait())).statusReads;
    return reads;
  }
  const schedule = nextWait();
  const origin = ctx.clock.now();
  for (const id of childIds) reads += (await waitForContainer(ctx, id, schedule, origin)).statusReads;
  return reads;
}

/**
 * Runs (or resumes) a plan. Throws {@link PublishFailure}; the caller turns it into a result.
 */
export async function executePlan(
  ctx: FlowContext,
  plan: PublishPlan,
  state: RunState,
  o: RunOptions,
): Promise<PublishResult> {
  const seen: { containerId?: string } = {};
  if (state.data.containerId) seen.containerId = state.data.containerId;
  try {
    return await runStages(ctx, plan, state, o, seen);
  } catch (e) {
    // Every failure after the container exists names it, so a caller can resume with it.
    if (e instanceof PublishFailure && seen.containerId && e.info.details?.['containerId'] === undefined) {
      throw new PublishFailure({ ...e.info, details: { ...e.info.details, containerId: seen.containerId } });
    }
    throw e;
  }
}

async function runStages(
  ctx: FlowContext,
  plan: PublishPlan,
  state: RunState,
  o: RunOptions,
  seen: { containerId?: string },
): Promise<PublishResult> {
  let data: CheckpointData = { ...state.data };
  let stage = state.stage;
  const p: Progress = { statusReads: 0 };
  const nextWait = waitBudget(ctx, o.schedule);
  if (stage === 'published') return success(ctx, plan, data, p, { replayed: true });

  // 1. Carousel children (each id recorded as it is created, so a crash never loses one).
  if (plan.children.length > 0 && !stageAtLeast(stage, 'children_created')) {
    const ids = [...(data.childIds ?? [])];
    for (const child of plan.children.slice(ids.length)) {
      ids.push(await createContainer(ctx, child.params));
      data = { ...data, childIds: [...ids] };
      await o.record(ids.length === plan.children.length ? 'children_created' : 'started', data);
    }
    stage = 'children_created';
  }

  // 2. The container to publish. Every carousel child must be FINISHED first: Meta answers 9007/2207027
  //    ("Media ID is not available") to a parent naming a child still IN_PROGRESS.
  if (!stageAtLeast(stage, 'container_created')) {
    if (plan.upload) {
      const res = await createUploadContainer(ctx, plan.parent);
      data = { ...data, containerId: res.id, uploadUri: res.uri, uploadedBytes: 0 };
    } else if (plan.children.length > 0) {
      const childIds = data.childIds!;
      data = { ...data, containerId: await createCarouselParent(ctx, plan, childIds, o, p, nextWait) };
    } else {
      data = { ...data, containerId: await createContainer(ctx, plan.parent) };
    }
    seen.containerId = data.containerId;
    await o.record('container_created', data);
    stage = 'container_created';
  }
  const containerId = data.containerId!;

  // 2b. Resumable upload of local bytes (resumes from the server's committed offset).
  if (plan.upload && !data.uploadComplete) {
    if (!o.upload || !data.uploadUri)
      throw failure('API_ERROR', 'Upload options missing for a local file.', false, { containerId });
    const uri = data.uploadUri;
    let lastRecorded = data.uploadedBytes ?? 0;
    await resumableUpload(
      uri,
      plan.upload,
      {
        ...o.upload,
        ...(ctx.signal && !o.upload.signal ? { signal: ctx.signal } : {}),
        onProgress: async (committed, total) => {
          // Checkpoint progress every 25 % so a resumed worker knows an upload was under way.
          if (committed < total && committed - lastRecorded >= total / 4) {
            lastRecorded = committed;
            data = { ...data, uploadedBytes: committed };
            await o.record('container_created', data);
          }
        },
      },
      data.uploadedBytes ?? 0,
    );
    data = { ...data, uploadComplete: true, uploadedBytes: undefined };
    await o.record('container_created', data);
  }

  // 3. Ready (or, on resume after an ambiguous publish, maybe already published).
  if (stage === 'publish_attempted') {
    const status = await readStatusCode(ctx, containerId);
    if (status === 'PUBLISHED') return adoptPublished(ctx, plan, data, o, p);
    if (status === undefined)
      throw failure(
        'NETWORK_ERROR',
        'Could not read the container status to reconcile an earlier publish attempt.',
        true,
        { containerId },
      );
  }
  if (!stageAtLeast(stage, 'ready') || stage === 'publish_attempted') {
    const wait = await waitForContainer(ctx, containerId, nextWait());
    p.statusReads += wait.statusReads;
    if (wait.statusCode === 'PUBLISHED') return adoptPublished(ctx, plan, data, o, p);
    if (stage !== 'publish_attempted') {
      await o.record('ready', data);
      stage = 'ready';
    }
  }

  // 4. Publish: record the attempt first; on an ambiguous failure read status_code before any new attempt.
  const maxCalls = 1 + (o.ambiguousRetries ?? 2);
  for (let call = 1; ; call++) {
    data = { ...data, publishAttempts: (data.publishAttempts ?? 0) + 1, publishStartedAt: ctx.clock.now() };
    await o.record('publish_attempted', data);
    try {
      data = { ...data, mediaId: await publishContainer(ctx, containerId) };
      return await finishPublished(ctx, plan, data, o, p);
    } catch (e) {
      if (!(e instanceof PublishFailure)) throw e;
      if (e.info.code === 'PUBLISH_LIMIT') throw await withNextSlot(ctx, e);
      if (!isAmbiguousPublishFailure(e.info)) throw e;
      const status = await readStatusCode(ctx, containerId);
      if (status === 'PUBLISHED') return adoptPublished(ctx, plan, data, o, p);
      if (status !== 'FINISHED' || call >= maxCalls) throw e;
    }
  }
}
