// Publishing: the InstagramConnector facade, the duplicate-safe Publisher and their building blocks.
export * from './captions.js';
export * from './checkpoints.js';
export * from './connector.js';
export {
  type ContainerParams,
  type ContainerStatusCode,
  createContainer,
  type FlowContext,
  fetchPermalink,
  publishContainer,
  readContainer,
  type WaitOutcome,
  waitForContainer,
} from './container-flow.js';
export * from './insights.js';
export * from './insights-metrics.js';
export * from './media-kind.js';
export * from './poll-schedule.js';
export * from './preflight/index.js';
export {
  isMediaError,
  MEDIA_SUBCODES,
  type PublishStep,
  subcodeFromStatus,
  toPublishError,
} from './publish-errors.js';
export * from './publish-plan.js';
export { executePlan, type RunOptions, type RunState } from './publish-run.js';
export * from './publisher.js';
export * from './publishing-limit.js';
export * from './reconcile.js';
export * from './resumable-upload.js';
export type {
  Connector,
  DeleteResult,
  InstagramConfig,
  PostContent,
  PublishErrorCode,
  PublishErrorInfo,
  PublishOptions,
  PublishResult,
} from './types.js';
