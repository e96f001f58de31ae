/**
 * The error `parseWebhook` throws when a body is not a webhook at all (not JSON, or no `entry` array). Its own
 * class, not the messaging contract's `BadRequestError`: a webhook receiver answers it with a 400 and drops the
 * delivery, which has nothing to do with sending messages.
 */
export class WebhookPayloadError extends Error {
  override readonly name = 'WebhookPayloadError' as const;
  /** Stable code to branch on. */
  readonly code = 'INVALID_WEBHOOK_PAYLOAD' as const;
  /** The HTTP status a receiver answers with. */
  readonly statusCode = 400 as const;

  /** Plain data for logs (the body is never included: it may hold message text). */
  toJSON(): { name: string; code: string; message: string; statusCode: number } {
    return { name: this.name, code: this.code, message: this.message, statusCode: this.statusCode };
  }
}

/** Type guard for {@link WebhookPayloadError} (also across duplicated package copies). */
export function isWebhookPayloadError(e: unknown): e is WebhookPayloadError {
  return (
    e instanceof WebhookPayloadError ||
    (e instanceof Error &&
      e.name === 'WebhookPayloadError' &&
      (e as { code?: unknown }).code === 'INVALID_WEBHOOK_PAYLOAD')
  );
}
