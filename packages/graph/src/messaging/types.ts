/** Wire types of the `sendInstagramMessage` service contract and of inbound messages. */

/** Body of the Send API call made by `sendInstagramMessage`: `POST /{v}/me/messages` (or `/{pageId}/messages`). */
export interface InstagramSendMessageRequest {
  recipient: { id: string };
  message: { text: string };
}

/** Meta's answer to a successful send. */
export interface InstagramSendMessageResponse {
  /** Instagram-scoped id (IGSID) of the recipient. */
  recipient_id: string;
  /** Id (`mid`) of the message Meta created. */
  message_id: string;
}

/** Meta's error envelope, as returned with 4xx/5xx answers. */
export interface InstagramApiError {
  error: {
    message: string;
    type?: string;
    code?: number;
    error_subcode?: number;
    fbtrace_id?: string;
    is_transient?: boolean;
    error_user_title?: string;
    error_user_msg?: string;
  };
}

/** Inbound messages are parsed from webhooks: their types live with the webhook types. */
export type { InstagramMessage, InstagramMessageAttachment } from '../webhooks/types.js';
