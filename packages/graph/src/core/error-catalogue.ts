/**
 * The Graph API error catalogue as data: (code, subcode) → category, action, retryable, explanation.
 *
 * Sources: `shared/reference/ig-publishing-api.md` §4.2/4.3/5.3 and `shared/reference/ig-messaging-webhooks.md`
 * §1.4/2.3/3.1. `docs/errors.md` is generated from this table by `scripts/gen-errors-doc.ts`; a test fails when
 * the committed doc drifts. Bump {@link ERROR_CATALOGUE_VERSION} whenever an entry changes.
 *
 * Meaning of the fields:
 * - `retryable`: repeating the identical request later may succeed (the client retries only idempotent calls).
 * - `action`: what the caller should do next.
 */

/** What kind of failure an error is. */
export type ErrorCategory =
  | 'rate_limit'
  | 'auth'
  | 'permission'
  | 'invalid_request'
  | 'media'
  | 'container'
  | 'publishing_limit'
  | 'messaging_window'
  | 'recipient'
  | 'transient'
  | 'unknown';

/** What the caller should do next. */
export type ErrorAction =
  | 'retry'
  | 'backoff'
  | 'reauthenticate'
  | 'fix_request'
  | 'wait_for_window'
  | 'give_up';

/** One row of the catalogue. `codeMax` makes the row cover the code range `code..codeMax`. */
export interface ErrorCatalogueEntry {
  readonly code: number;
  readonly codeMax?: number;
  readonly subcode?: number;
  readonly category: ErrorCategory;
  readonly action: ErrorAction;
  readonly retryable: boolean;
  readonly explanation: string;
}

/** Version of the catalogue data (date of the reference sheets + revision). */
export const ERROR_CATALOGUE_VERSION = '2026-11-29.1';

/** `_`: no subcode. A `[min, max]` code covers a range (looked up after exact codes). */
const _ = undefined;
type Row = readonly [
  code: number | readonly [number, number],
  subcode: number | undefined,
  category: ErrorCategory,
  action: ErrorAction,
  retryable: boolean,
  explanation: string,
];

// biome-ignore format: one row per line reads as a table
const ROWS: readonly Row[] = [
  // ── General Graph codes (publishing §4.2) ────────────────────────────────────────────────────────────────
  [1, _, 'transient', 'retry', true, 'Unknown API error: retry with backoff; if it persists, check the request.'],
  [2, _, 'transient', 'retry', true, 'Temporary service error (messaging: also when the user blocked the business): retry a few times, then give up.'],
  [3, _, 'permission', 'give_up', false, 'The app lacks the capability or permission for this method: do not retry.'],
  [4, _, 'rate_limit', 'backoff', true, 'Application-level throttle: back off until X-App-Usage falls.'],
  [10, _, 'permission', 'reauthenticate', false, 'Permission denied or removed: re-request the permission.'],
  [17, _, 'rate_limit', 'backoff', true, 'User-level request limit reached: back off.'],
  [17, 2446079, 'rate_limit', 'backoff', true, 'Ads API user request limit (legacy): back off.'],
  [24, _, 'container', 'fix_request', false, 'Media or media builder not found: create a new container.'],
  [25, _, 'permission', 'give_up', false, 'Instagram account restricted or inactive: the user must fix it in the Instagram app.'],
  [32, _, 'rate_limit', 'backoff', true, 'Page-level throttle: back off.'],
  [100, _, 'invalid_request', 'fix_request', false, 'Invalid parameter: fix the request; do not retry it unchanged.'],
  [102, _, 'auth', 'reauthenticate', false, 'API session invalid: get a new token.'],
  [190, _, 'auth', 'reauthenticate', false, 'Access token expired, revoked or invalid: get a new token.'],
  [[200, 299], _, 'permission', 'reauthenticate', false, 'Permission missing: re-authenticate with the required scope.'],
  [341, _, 'rate_limit', 'backoff', true, 'Application limit reached: back off.'],
  [368, _, 'permission', 'backoff', false, 'Temporarily blocked for policy violations: wait, then retry; tell the user.'],
  [506, _, 'invalid_request', 'fix_request', false, 'Duplicate post: change the content.'],
  [613, _, 'rate_limit', 'backoff', true, 'Calls exceed a custom rate limit (e.g. messaging throughput): back off and lower the send rate.'],
  // ── 190 / OAuthException subcodes (publishing §4.2) ──────────────────────────────────────────────────────
  [190, 458, 'auth', 'reauthenticate', false, 'App not installed or removed by the user: re-authenticate.'],
  [190, 459, 'auth', 'give_up', false, 'User checkpointed: they must log in at facebook.com, then retry.'],
  [190, 460, 'auth', 'reauthenticate', false, 'Password changed: re-authenticate.'],
  [190, 463, 'auth', 'reauthenticate', false, 'Token expired: refresh it (Instagram Login) or re-authenticate.'],
  [190, 464, 'auth', 'give_up', false, 'Unconfirmed user: the user must confirm their account.'],
  [190, 467, 'auth', 'reauthenticate', false, 'Invalid access token: re-authenticate.'],
  [190, 492, 'auth', 'reauthenticate', false, 'Invalid session (e.g. the user lost their Page role): re-authenticate or fix the role.'],
  // ── Business Use Case throttles (publishing §4.2/§5.3, messaging §3.1); 80000–80014 range row last ───────
  [80000, _, 'rate_limit', 'backoff', true, 'BUC throttle (ads_insights): back off for estimated_time_to_regain_access.'],
  [80000, 2446079, 'rate_limit', 'backoff', true, 'BUC throttle (ads_insights): back off for estimated_time_to_regain_access.'],
  [80001, _, 'rate_limit', 'backoff', true, 'BUC throttle (pages): back off for estimated_time_to_regain_access.'],
  [80002, _, 'rate_limit', 'backoff', true, 'BUC throttle (instagram: too many calls to this Instagram account): back off for estimated_time_to_regain_access.'],
  [80003, _, 'rate_limit', 'backoff', true, 'BUC throttle (custom_audience): back off.'],
  [80004, _, 'rate_limit', 'backoff', true, 'BUC throttle (ads_management): back off.'],
  [80005, _, 'rate_limit', 'backoff', true, 'BUC throttle (leadgen): back off.'],
  [80006, _, 'rate_limit', 'backoff', true, 'BUC throttle (messenger): back off for estimated_time_to_regain_access.'],
  [80008, _, 'rate_limit', 'backoff', true, 'BUC throttle (WhatsApp Business Management): back off.'],
  [80009, _, 'rate_limit', 'backoff', true, 'BUC throttle (catalog management): back off.'],
  [80014, _, 'rate_limit', 'backoff', true, 'BUC throttle (catalog batch): back off.'],
  [[80000, 80014], _, 'rate_limit', 'backoff', true, 'Business Use Case throttle: back off for estimated_time_to_regain_access.'],
  // ── Instagram content publishing (publishing §4.3) ───────────────────────────────────────────────────────
  [-2, _, 'media', 'retry', true, 'Media download/processing problem: retry, or create a new container.'],
  [-2, 2207003, 'media', 'retry', true, 'Timed out downloading the media from its URL: retry (same or new container).'],
  [-2, 2207020, 'container', 'fix_request', false, 'Container expired (older than 24 h): create a new container.'],
  [-2, 2207077, 'media', 'retry', true, 'Meta failed to download the video from its URL: retry with a new container.'],
  [-1, 2207082, 'media', 'retry', true, 'Video upload to Meta failed: retry with a new container.'],
  [-1, _, 'transient', 'retry', true, 'Instagram server error: retry with backoff.'],
  [-1, 2207001, 'transient', 'retry', true, 'Instagram server error: retry with backoff.'],
  [-1, 2207032, 'container', 'retry', true, 'Container creation failed: retry creating it.'],
  [-1, 2207053, 'media', 'retry', true, 'Unknown video upload error: create a new container and try again.'],
  [-1, 2018012, 'transient', 'retry', true, 'Send API internal error: retry with backoff (check echoes first: sends are not idempotent).'],
  [1, 2207057, 'invalid_request', 'fix_request', false, 'thumb_offset is outside [0, video duration) in ms: fix it.'],
  [2, 2018344, 'transient', 'retry', true, 'Messaging service unavailable: retry.'],
  [4, 2207051, 'publishing_limit', 'give_up', false, 'Action restricted as suspected spam: do not auto-retry; tell the user.'],
  [9, _, 'publishing_limit', 'backoff', false, 'Publishing limit reached: wait until the rolling 24 h quota frees.'],
  [9, 2207042, 'publishing_limit', 'backoff', false, 'Daily publishing limit reached: wait until the rolling 24 h quota frees (see content_publishing_limit).'],
  [24, 2207006, 'container', 'fix_request', false, 'Media not found (permissions or expired token): create a new container; check the token.'],
  [24, 2207008, 'container', 'retry', true, 'Media builder (creation_id) missing or expired: retry 1–2× within 30 s–2 min, else create a new container.'],
  [25, 2207050, 'permission', 'give_up', false, 'Instagram account restricted, inactive or checkpointed: the user must fix it in the Instagram app.'],
  [100, 2207023, 'invalid_request', 'fix_request', false, 'Unknown media_type: fix the request.'],
  [100, 2207028, 'invalid_request', 'fix_request', false, 'A carousel needs 2 to 10 children: fix the request.'],
  [100, 2207035, 'invalid_request', 'fix_request', false, 'Product tag x/y coordinates given for a video: remove them.'],
  [100, 2207036, 'invalid_request', 'fix_request', false, 'Product tag x/y coordinates missing for a photo: add them.'],
  [100, 2207037, 'invalid_request', 'fix_request', false, 'Product tags invalid: refresh the catalogue/products.'],
  [100, 2207040, 'invalid_request', 'fix_request', false, 'Too many @ tags (max 20): remove some.'],
  [100, 9050, 'invalid_request', 'fix_request', false, 'Invalid /ig_audio audio-swap or partnership-ad code parameter: fix the request.'],
  [100, 9052, 'invalid_request', 'fix_request', false, 'Invalid /ig_audio audio-swap or partnership-ad code parameter: fix the request.'],
  [100, 9054, 'invalid_request', 'fix_request', false, 'Invalid /ig_audio audio-swap or partnership-ad code parameter: fix the request.'],
  [100, 9055, 'invalid_request', 'fix_request', false, 'Invalid /ig_audio audio-swap or partnership-ad code parameter: fix the request.'],
  [100, 9056, 'invalid_request', 'fix_request', false, 'Invalid /ig_audio audio-swap or partnership-ad code parameter: fix the request.'],
  [100, 9057, 'invalid_request', 'fix_request', false, 'Invalid /ig_audio audio-swap or partnership-ad code parameter: fix the request.'],
  [100, 9058, 'invalid_request', 'fix_request', false, 'Invalid /ig_audio audio-swap or partnership-ad code parameter: fix the request.'],
  [100, 9060, 'invalid_request', 'fix_request', false, 'Invalid /ig_audio audio-swap or partnership-ad code parameter: fix the request.'],
  [100, 9062, 'invalid_request', 'fix_request', false, 'Invalid /ig_audio audio-swap or partnership-ad code parameter: fix the request.'],
  [100, 9063, 'invalid_request', 'fix_request', false, 'Invalid /ig_audio audio-swap or partnership-ad code parameter: fix the request.'],
  [100, 9064, 'invalid_request', 'fix_request', false, 'Invalid /ig_audio audio-swap or partnership-ad code parameter: fix the request.'],
  [10, 9053, 'permission', 'give_up', false, 'Ads audio swap is not available for this account (HTTP 403).'],
  [352, _, 'media', 'fix_request', false, 'Unsupported video format: transcode to MOV/MP4.'],
  [352, 2207026, 'media', 'fix_request', false, 'Unsupported video format: transcode to MOV/MP4.'],
  [9004, _, 'media', 'fix_request', false, 'Media could not be fetched from its URL: make it public and valid.'],
  [9004, 2207052, 'media', 'fix_request', false, 'Media could not be fetched from its URL: make it public and valid.'],
  [9007, _, 'container', 'retry', true, 'Media not ready for publishing: poll the container until FINISHED, then publish.'],
  [9007, 2207027, 'container', 'retry', true, 'Media not ready for publishing: poll the container until FINISHED, then publish.'],
  [36000, 2207004, 'media', 'fix_request', false, 'Image too large (over 8 MiB): shrink it.'],
  [36001, 2207005, 'media', 'fix_request', false, 'Unsupported image format: use JPEG.'],
  [36003, 2207009, 'media', 'fix_request', false, 'Image aspect ratio outside 4:5 … 1.91:1: crop it.'],
  [36004, 2207010, 'invalid_request', 'fix_request', false, 'Caption too long (max 2,200 characters, 30 hashtags, 20 @tags): shorten it.'],
  // ── Messaging (messaging §2.3, §3.1; 2018xxx attachment codes from §1.4) ─────────────────────────────────
  [10, 2534022, 'messaging_window', 'wait_for_window', false, 'Outside the allowed messaging window (24 h / 7 d HUMAN_AGENT): wait for the user to write again.'],
  [10, 2018278, 'messaging_window', 'wait_for_window', false, 'Outside the allowed messaging window (Messenger subcode): wait for the user to write again.'],
  [10, 2534025, 'messaging_window', 'give_up', false, 'A private reply was already sent for this comment (one per comment, within 7 days).'],
  [100, 2534025, 'messaging_window', 'give_up', false, 'A private reply was already sent for this comment (one per comment, within 7 days).'],
  [551, _, 'recipient', 'give_up', false, 'This person is not available right now (blocked, restricted or deactivated): mark unreachable.'],
  [551, 1545041, 'recipient', 'give_up', false, 'This person is not available right now (blocked, restricted or deactivated): mark unreachable.'],
  [100, 2018001, 'recipient', 'fix_request', false, 'No matching user (bad IGSID, or one from another account/app): fix the id mapping.'],
  [100, 2534014, 'recipient', 'give_up', false, 'User cannot be found or is not eligible for messages: do not retry.'],
  [100, 2018047, 'media', 'fix_request', false, 'Attachment upload failed or its type does not match the file: fix the media.'],
  [100, 2018008, 'media', 'retry', true, 'Meta could not fetch the attachment URL: make it public; one retry may succeed.'],
  [100, 2018109, 'media', 'fix_request', false, 'Attachment is too large: send a smaller file.'],
  [100, 2018294, 'media', 'retry', true, 'Fetching the attachment URL timed out (~75 s): speed up the host; one retry may succeed.'],
  [100, 2018074, 'media', 'fix_request', false, 'attachment_id is invalid or belongs to another account: upload it again.'],
];

function toEntry([code, subcode, category, action, retryable, explanation]: Row): ErrorCatalogueEntry {
  const [min, max] = typeof code === 'number' ? [code, undefined] : code;
  return {
    code: min,
    ...(max === undefined ? {} : { codeMax: max }),
    ...(subcode === undefined ? {} : { subcode }),
    category,
    action,
    retryable,
    explanation,
  };
}

/** The catalogue. Lookup order: (code, subcode) → code (exact, then ranges) → HTTP status → is_transient → unknown. */
export const ERROR_CATALOGUE: readonly ErrorCatalogueEntry[] = Object.freeze(ROWS.map(toEntry));
