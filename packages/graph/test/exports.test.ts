/**
 * The public surface of @igkit/graph is a deliberate list (src/index.ts names every export). This snapshot
 * makes every addition or removal a reviewed change: update it together with src/index.ts and the docs.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as graph from '../src/index.js';
import * as testing from '../src/testing.js';

const RUNTIME_EXPORTS = [
  'ADAPTIVE_POLLING',
  'AppError',
  'BadRequestError',
  'CAPTION_LIMITS',
  'CAROUSEL_LIMITS',
  'COMMENT_FIELDS',
  'CONVERSATION_FIELDS',
  'ConfigurationError',
  'DEFAULT_GRAPH_VERSION',
  'DEFAULT_MAX_RESPONSE_BYTES',
  'DEFAULT_MAX_WAIT_MS',
  'DEFAULT_MESSAGING_API_VERSION',
  'DEFAULT_MESSAGING_BASE_URL',
  'DEFAULT_RETRY_POLICY',
  'DEFAULT_SEND_RATES',
  'ERROR_CATALOGUE',
  'ERROR_CATALOGUE_VERSION',
  'ForbiddenError',
  'GRAPH_HOSTS',
  'Governor',
  'GraphApiError',
  'GraphClient',
  'GraphNetworkError',
  'HUMAN_AGENT_WINDOW_MS',
  'IMAGE_LIMITS',
  'InMemoryCheckpointStore',
  'InstagramConnector',
  'InternalServerError',
  'MAX_BATCH_ITEMS',
  'MAX_MESSAGE_TEXT_BYTES',
  'MESSAGING_RETRY_DEFAULTS',
  'MessagingClient',
  'MessagingPolicyError',
  'NotFoundError',
  'PRIVATE_REPLY_USED_SUBCODE',
  'PRIVATE_REPLY_WINDOW_MS',
  'PUBLISH_STAGES',
  'Publisher',
  'SEND_ERROR_TABLE',
  'STANDARD_WINDOW_MS',
  'SendLimiter',
  'SendQueueFullError',
  'ServiceUnavailableError',
  'TooManyRequestsError',
  'UnauthorizedError',
  'VIDEO_LIMITS',
  'WINDOW_CLOSED_SUBCODES',
  'WebhookPayloadError',
  'appSecretProof',
  'checkConversationPolicy',
  'checkPrivateReplyPolicy',
  'checkSignature',
  'classifyGraphError',
  'createComment',
  'createInstagramService',
  'createReconciliationKey',
  'createStderrAuditSink',
  'deleteComment',
  'fetchMediaInsights',
  'getComment',
  'getConversationMessage',
  'getSharedSendLimiter',
  'hashMessageText',
  'isAppError',
  'isGraphApiError',
  'isGraphNetworkError',
  'isMessagingRateLimitCode',
  'isNonPublicAddress',
  'isRateLimitCode',
  'isWebhookPayloadError',
  'listComments',
  'listConversationMessages',
  'listConversations',
  'listReplies',
  'parseWebhook',
  'planPublish',
  'plannedReadTimes',
  'preflightMedia',
  'prepareCaption',
  'privateReplyToComment',
  'readPublishingLimit',
  'realSleep',
  'reconcileUnknownSend',
  'replyToComment',
  'sendInstagramMessage',
  'setCommentHidden',
  'signWebhookBody',
  'stageAtLeast',
  'subscribeAccountToWebhooks',
  'subscribeAppToWebhooks',
  'systemClock',
  'toEpochMs',
  'toPublishError',
  'verifySignature',
  'verifySubscription',
];

const SRC = new URL('../src/', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('@igkit/graph public surface', () => {
  it('exports exactly the listed runtime names', () => {
    expect(Object.keys(graph).sort()).toEqual(RUNTIME_EXPORTS);
  });

  it('test helpers are on @igkit/graph/testing', () => {
    expect(Object.keys(testing).sort()).toEqual(['signWebhookBody']);
    expect(testing.signWebhookBody('{}', 'secret')).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  it('package.json maps "." and "./testing" (source, types, default)', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      exports: Record<string, Record<string, string>>;
      dependencies?: Record<string, string>;
    };
    expect(Object.keys(pkg.exports)).toEqual(['.', './testing']);
    expect(pkg.exports['./testing']).toEqual({
      source: './src/testing.ts',
      types: './dist/testing.d.ts',
      default: './dist/testing.js',
    });
    expect(pkg.dependencies ?? {}).toEqual({});
  });

  it('internal modules never import a barrel (the package entry or an area index)', () => {
    const offenders = sources(SRC)
      .filter((f) => !f.endsWith('/index.ts') && !f.endsWith('/testing.ts'))
      .filter((f) => /from '(\.\.?\/)+(([a-z-]+\/)*)index\.js'/.test(readFileSync(f, 'utf8')))
      .map((f) => f.slice(SRC.length));
    expect(offenders).toEqual([]);
  });
});
