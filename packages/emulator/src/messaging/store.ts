/**
 * Messaging ground truth: Instagram users who can message accounts, conversation windows,
 * comments, and every message sent or received (text kept in memory: the emulator is a test tool).
 * Messages live in a bounded ring so memory stays flat however long the emulator runs.
 */

/** An attachment on a stored message (outbound: Send API types; inbound: webhook types such as `share`). */
export interface MessageAttachment {
  type: string;
  payload?: Record<string, unknown>;
}

/** An Instagram user (identified to accounts by an IGSID) created through the control plane. */
export interface IgUser {
  igsid: string;
  username: string;
  /** When true, sends to this user fail with 551/1545041 ("This person isn't available right now"). */
  unavailable: boolean;
  createdAt: number;
}

/** A user's comment on an account's media. */
export interface StoredComment {
  id: string;
  accountId: string;
  igsid: string;
  mediaId: string;
  text: string;
  createdAt: number;
  /** mid of the private reply sent to this comment, if any (Meta allows one). */
  privateReplyMid?: string;
  /** Username of the author (the user's, or the account's own for `from: 'business'`). */
  username?: string;
  /** A reply: the top-level comment it answers. */
  parentId?: string;
  /** Hidden with `POST /{comment-id}?hide=true`. */
  hidden?: boolean;
  /** Written by the account itself (`POST /{media-id}/comments`, `/{comment-id}/replies`). */
  fromBusiness?: boolean;
}

/** A reaction on a message, by the business or the user. */
export interface StoredReaction {
  by: 'business' | 'user';
  reaction: string;
  at: number;
}

/** A delivered message, in `state().messages`. */
export interface StoredMessage {
  mid: string;
  accountId: string;
  igsid: string;
  direction: 'inbound' | 'outbound';
  timestamp: number;
  text?: string;
  attachments?: MessageAttachment[];
  /** `HUMAN_AGENT` when sent with that tag. */
  tag?: string;
  /** Set on a private reply: the comment it answered. */
  commentId?: string;
  replyToMid?: string;
  reactions: StoredReaction[];
  /** Emulated time the user read it (outbound messages, via the `/reads` control call). */
  readAt?: number;
}

/** Conversation state per (account, IGSID). */
export interface Conversation {
  accountId: string;
  igsid: string;
  /** Emulated time of the user's latest message; opens/refreshes the 24 h window. */
  lastInboundAt?: number;
  /** Last sender action the business sent (typing_on/typing_off/mark_seen). */
  lastSenderAction?: string;
}

/** Comments kept (oldest forgotten first, with their private-reply state). */
export const COMMENT_CAPACITY = 10_000;

/** In-memory messaging state with bounded message and comment history. */
export class MessagingStore {
  readonly users = new Map<string, IgUser>();
  readonly comments = new Map<string, StoredComment>();
  readonly #conversations = new Map<string, Conversation>();
  readonly #byMid = new Map<string, StoredMessage>();
  readonly #ring: Array<StoredMessage | undefined>;
  #next = 0;
  readonly #capacity: number;
  readonly #commentCapacity: number;

  /**
   * @param capacity messages kept (oldest evicted first).
   * @param commentCapacity comments kept (oldest forgotten first).
   */
  constructor(capacity = 10_000, commentCapacity = COMMENT_CAPACITY) {
    this.#capacity = capacity;
    this.#commentCapacity = commentCapacity;
    this.#ring = new Array<StoredMessage | undefined>(capacity);
  }

  conversation(accountId: string, igsid: string): Conversation {
    const key = `${accountId}\u0000${igsid}`;
    let c = this.#conversations.get(key);
    if (!c) {
      c = { accountId, igsid };
      this.#conversations.set(key, c);
    }
    return c;
  }

  /** The conversation if it exists (no creation). */
  findConversation(accountId: string, igsid: string): Conversation | undefined {
    return this.#conversations.get(`${accountId}\u0000${igsid}`);
  }

  addMessage(m: StoredMessage): StoredMessage {
    const evicted = this.#ring[this.#next];
    if (evicted) this.#byMid.delete(evicted.mid);
    this.#ring[this.#next] = m;
    this.#next = (this.#next + 1) % this.#capacity;
    this.#byMid.set(m.mid, m);
    return m;
  }

  /** Stores a comment, forgetting the oldest past the comment capacity. */
  addComment(c: StoredComment): void {
    this.comments.set(c.id, c);
    if (this.comments.size > this.#commentCapacity) {
      const oldest = this.comments.keys().next().value;
      if (oldest !== undefined) this.comments.delete(oldest);
    }
  }

  message(mid: string): StoredMessage | undefined {
    return this.#byMid.get(mid);
  }

  /** Messages oldest first (deep enough copies for `state()`). */
  messages(): StoredMessage[] {
    const out: StoredMessage[] = [];
    for (let i = 0; i < this.#capacity; i++) {
      const m = this.#ring[(this.#next + i) % this.#capacity];
      if (m) out.push({ ...m, reactions: m.reactions.map((r) => ({ ...r })) });
    }
    return out;
  }

  /** Messages of one conversation, oldest first. */
  messagesOf(accountId: string, igsid: string): StoredMessage[] {
    return this.messages().filter((m) => m.accountId === accountId && m.igsid === igsid);
  }

  /** Live messages by mid (no copy). */
  rawMessages(): StoredMessage[] {
    const out: StoredMessage[] = [];
    for (let i = 0; i < this.#capacity; i++) {
      const m = this.#ring[(this.#next + i) % this.#capacity];
      if (m) out.push(m);
    }
    return out;
  }

  conversations(): Conversation[] {
    return [...this.#conversations.values()].map((c) => ({ ...c }));
  }

  clear(): void {
    this.users.clear();
    this.comments.clear();
    this.#conversations.clear();
    this.#byMid.clear();
    this.#ring.fill(undefined);
    this.#next = 0;
  }
}
