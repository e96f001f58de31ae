/** Messaging feature module (Send API, simulated users) and its public types. */
export {
  type MessagingControl,
  type MessagingModuleOptions,
  messagingModule,
  type UserAttachmentInput,
} from './module.js';
export type { SendRateLimits } from './rate.js';
export type { Conversation, IgUser, StoredComment, StoredMessage } from './store.js';
