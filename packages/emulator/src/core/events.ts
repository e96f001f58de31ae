/**
 * Event bus between feature modules: e.g. messaging emits "the user sent a DM", the webhooks module
 * turns it into a signed delivery. With no listener, `emit` is a no-op.
 */

/** An event that Meta would report through webhooks. */
export interface EmulatorEvent {
  /** Webhook object; `'instagram'` for everything IG. */
  object: 'instagram' | 'page';
  /** Account the event concerns (the webhook `entry[].id`). */
  igUserId: string;
  /** Restrict delivery to one app; default: every app subscribed to the account. */
  appId?: string;
  /** Webhook field, e.g. `'messages'`, `'comments'`, `'mentions'`, `'message_reactions'`. */
  field: string;
  /** Entry array the payload goes into: `entry[].messaging[]` or `entry[].changes[]`. */
  shape: 'messaging' | 'changes';
  /** The element to deliver (a messaging item, or a change `value`). */
  payload: unknown;
  /** Emulated time of the event (epoch ms). */
  time: number;
}

/** Listener for events. */
export type EventListener = (event: EmulatorEvent) => void;

/** Synchronous pub/sub. */
export class EventBus {
  readonly #listeners = new Set<EventListener>();
  readonly #onError: (error: unknown) => void;

  /** @param onError called when a listener throws (an emulator bug: recorded as an internal error). */
  constructor(onError: (error: unknown) => void = () => undefined) {
    this.#onError = onError;
  }

  /**
   * Sends an event to every listener. A listener that throws does not break the Graph call that
   * caused the event; its error is reported to `onError`.
   */
  emit(event: EmulatorEvent): void {
    for (const l of this.#listeners) {
      try {
        l(event);
      } catch (e) {
        this.#onError(e);
      }
    }
  }

  /** Adds a listener; returns an unsubscribe function. */
  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
