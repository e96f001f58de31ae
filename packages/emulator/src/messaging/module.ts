/**
 * The messaging module: Send API routes, simulated users (control plane), ground truth
 * (`state().messages`, `users`, `comments`, `conversations`). Webhooks are emitted on
 * `ctx.events`; the webhooks module delivers them.
 */
import { controlCaller } from '../core/control.js';
import type { EmulatorContext, EmulatorModule } from '../core/types.js';
import { installCommentRoutes } from './comments.js';
import { installMessagingControl } from './control.js';
import { installConversationRoutes } from './conversations.js';
import { SendRateLimiter, type SendRateLimits } from './rate.js';
import { handleSend, type MessagingDeps } from './send.js';
import {
  type Conversation,
  type IgUser,
  MessagingStore,
  type StoredComment,
  type StoredMessage,
} from './store.js';

/** Attachment a simulated user sends: `{ type: 'image' | 'video' | 'audio' | 'file' | 'share' | 'story_mention' | 'ig_reel' | 'reel', url }`. */
export interface UserAttachmentInput {
  type: string;
  url: string;
}

/** Typed control methods added by the messaging module. */
export interface MessagingControl {
  /** Creates an Instagram user who can message accounts → `{ igsid, username }`. */
  createUser(input?: { username?: string }): Promise<{ igsid: string; username: string }>;
  /** Marks a user (un)available: sends to an unavailable user fail with 551/1545041. */
  setUser(
    igsid: string,
    patch: { unavailable?: boolean; username?: string },
  ): Promise<{ igsid: string; unavailable: boolean }>;
  /** The user DMs the account: opens/refreshes the 24 h window, emits a `messages` webhook. */
  userMessage(
    igsid: string,
    input: { igUserId: string; text?: string; attachments?: UserAttachmentInput[]; replyToMid?: string },
  ): Promise<{ mid: string; timestamp: number }>;
  /** The user comments on the account's media (default: its newest post), emits a `comments` change. */
  userComment(
    igsid: string,
    input: { igUserId: string; text: string; mediaId?: string; parentId?: string; mediaProductType?: string },
  ): Promise<{ id: string; mediaId: string }>;
  /** The user reacts to (or unreacts from) a message, emits a `message_reactions` webhook. */
  userReaction(
    igsid: string,
    input: { igUserId: string; mid: string; reaction?: string; action?: 'react' | 'unreact' },
  ): Promise<{ success: true }>;
  /** The user reads a message, emits a `messaging_seen` webhook. */
  userRead(igsid: string, input: { igUserId: string; mid: string }): Promise<{ success: true }>;
  /** The user @mentions the account in a media (or a comment on it), emits a `mentions` change. */
  userMention(
    igsid: string,
    input: { igUserId: string; mediaId: string; commentId?: string },
  ): Promise<{ success: true }>;
  /** Overrides an account's Send API rates (defaults 100 text/s, 10 media/s, 750 private replies/h). */
  setSendRate(igUserId: string, limits: Partial<SendRateLimits>): Promise<SendRateLimits>;
}

/** Ground-truth keys added to `state()` by the messaging module. */
export interface MessagingState {
  /** Every message sent or received, oldest first (text included: the emulator is a test tool). */
  messages: StoredMessage[];
  users: IgUser[];
  comments: StoredComment[];
  conversations: Conversation[];
}

declare module '../core/control.js' {
  interface EmulatorControl extends MessagingControl {}
  interface EmulatorState extends MessagingState {}
}

/** Options of the messaging module. */
export interface MessagingModuleOptions {
  /** Messages kept in ground truth (oldest dropped). @default 10_000 */
  messageCapacity?: number;
  /** Comments kept (oldest forgotten, with their private-reply state). @default 10_000 */
  commentCapacity?: number;
  /** Default send rates for every account. */
  sendRate?: Partial<SendRateLimits>;
  /** Conversations API calls per second per account (Meta: 2). @default 2 */
  conversationCallsPerSecond?: number;
}

/** Creates the messaging module. */
export function messagingModule(options: MessagingModuleOptions = {}): EmulatorModule {
  const store = new MessagingStore(options.messageCapacity, options.commentCapacity);
  let rate: SendRateLimiter | undefined;
  return {
    name: 'messaging',
    init(ctx: EmulatorContext) {
      rate = new SendRateLimiter(ctx.clock, options.sendRate);
      const deps: MessagingDeps = { ctx, store, rate };
      const isMessagingNode = ({ node }: Record<string, string>) =>
        node === 'me' ||
        (node !== undefined &&
          (ctx.accounts.account(node) !== undefined || ctx.accounts.accountByPage(node) !== undefined));
      ctx.router.post('/:node/messages', (req) => handleSend(deps, req), { when: isMessagingNode });
      installMessagingControl(deps);
      installCommentRoutes(deps);
      installConversationRoutes(deps, options.conversationCallsPerSecond ?? 2);
      ctx.services.comments = {
        count: (mediaId) => {
          let n = 0;
          for (const c of store.comments.values()) if (c.mediaId === mediaId) n++;
          return n;
        },
      };
      return { control: messagingControl(ctx) };
    },
    reset() {
      store.clear();
      rate?.reset();
    },
    snapshot() {
      return {
        messages: store.messages(),
        users: [...store.users.values()].map((u) => ({ ...u })),
        comments: [...store.comments.values()].map((c) => ({ ...c })),
        conversations: store.conversations(),
      };
    },
  };
}

function messagingControl(ctx: EmulatorContext): MessagingControl {
  const call = controlCaller(ctx.call);
  const u = (igsid: string, action: string) => `/__emulator/users/${encodeURIComponent(igsid)}/${action}`;
  return {
    createUser: (input = {}) => call('POST', '/__emulator/users', input),
    setUser: (igsid, patch) => call('PUT', `/__emulator/users/${encodeURIComponent(igsid)}`, patch),
    userMessage: (igsid, input) => call('POST', u(igsid, 'messages'), input),
    userComment: (igsid, input) => call('POST', u(igsid, 'comments'), input),
    userReaction: (igsid, input) => call('POST', u(igsid, 'reactions'), input),
    userRead: (igsid, input) => call('POST', u(igsid, 'reads'), input),
    userMention: (igsid, input) => call('POST', u(igsid, 'mentions'), input),
    setSendRate: (igUserId, limits) =>
      call('PUT', `/__emulator/accounts/${encodeURIComponent(igUserId)}/send-rate`, limits),
  };
}
