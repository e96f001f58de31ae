/**
 * The Graph API error catalogue as data: (code, subcode) → category, action, retryable, explanation.
 *
 * Sources: `shared/reference/ig-publishing-api.md` §4.2/4.3/5.3 and `shared/reference/ig-messaging-webhooks.md`
 * §2.3/3.1. `docs/errors.md` is generated from this table by `scripts/gen-errors-doc.ts`; a test fails when
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
export const ERROR_CATALOGUE_VERSION = '2026-11-23.1';

type Row = ErrorCatalogueEntry;
const row = (
  code: number,
  subcode: number | undefined,
  category: ErrorCategory,
  action: ErrorAction,
  retryable: boolean,
  explanation: string,
): Row =>
  subcode === undefined
    ? { code, category, action, retryable, explanation }
    : { code, subcode, category, action, retryable, explanation };

const rateLimit = (code: number, explanation: string, subcode?: number): Row =>
  row(code, subcode, 'rate_limit', 'backoff', true, explanation);

// /ig_audio audio-swap and partnership-ad code parameters (publishing §4.3).
const AUDIO_PARTNERSHIP_SUBCODES = [9050, 9052, 9054, 9055, 9056, 9057, 9058, 9060, 9062, 9063, 9064];

// Messaging attachment upload/fetch failures (messaging §1.4, §3.1); 2018008/2018294 may succeed once more.
const ATTACHMENT_SUBCODES: ReadonlyArray<[number, boolean, string]> = [
  [2018047, false, 'Attachment upload failed or its type does not match the file: fix the media.'],
  [2018008, true, 'Meta could not fetch the attachment URL: make it public; one retry may succeed.'],
  [2018109, false, 'Attachment is too large: send a smaller file.'],
  [2018294, true, 'Fetching the attachment URL timed out (~75 s): speed up the host; one retry may succeed.'],
  [2018074, false, 'attachment_id is invalid or belongs to another account: upload it again.'],
];

/** The catalogue. Lookup order: (code, subcode) → code (exact, then ranges) → HTTP status → is_transient → unknown. */
export const ERROR_CATALOGUE: readonly ErrorCatalogueEntry[] = [
  // ── General Graph codes (publishing §4.2) ──────────────────────────────────────────────────────────
  row(
    1,
    undefined,
    'transient',
    'retry',
    true,
    'Unknown API error: retry with backoff; if it persists, check the request.',
  ),
  row(
    2,
    undefined,
    'transient',
    'retry',
    true,
    'Temporary service error (messaging: also when the user blocked the business): retry a few times, then give up.',
  ),
  row(
    3,
    undefined,
    'permission',
    'give_up',
    false,
    'The app lacks the capability or permission for this method: do not retry.',
  ),
  rateLimit(4, 'Application-level throttle: back off until X-App-Usage falls.'),
  row(
    10,
    undefined,
    'permission',
    'reauthenticate',
    false,
    'Permission denied or removed: re-request the permission.',
  ),
  rateLimit(17, 'User-level request limit reached: back off.'),
  rateLimit(17, 'Ads API user request limit (legacy): back off.', 2446079),
  row(
    24,
    undefined,
    'container',
    'fix_request',
    false,
    'Media or media builder not found: create a new container.',
  ),
  row(
    25,
    undefined,
    'permission',
    'give_up',
    false,
    'Instagram account restricted or inactive: the user must fix it in the Instagram app.',
  ),
  rateLimit(32, 'Page-level throttle: back off.'),
  row(
    100,
    undefined,
    'invalid_request',
    'fix_request',
    false,
    'Invalid parameter: fix the request; do not retry it unchanged.',
  ),
  row(102, undefined, 'auth', 'reauthenticate', false, 'API session invalid: get a new token.'),
  row(
    190,
    undefined,
    'auth',
    'reauthenticate',
    false,
    'Access token expired, revoked or invalid: get a new token.',
  ),
  {
    code: 200,
    codeMax: 299,
    category: 'permission',
    action: 'reauthenticate',
    retryable: false,
    explanation: 'Permission missing: re-authenticate with the required scope.',
  },
  rateLimit(341, 'Application limit reached: back off.'),
  row(
    368,
    undefined,
    'permission',
    'backoff',
    false,
    'Temporarily blocked for policy violations: wait, then retry; tell the user.',
  ),
  row(506, undefined, 'invalid_request', 'fix_request', false, 'Duplicate post: change the content.'),
  rateLimit(
    613,
    'Calls exceed a custom rate limit (e.g. messaging throughput): back off and lower the send rate.',
  ),

  // ── 190 / OAuthException subcodes (publishing §4.2) ─────────────────────────────────────────────────
  row(
    190,
    458,
    'auth',
    'reauthenticate',
    false,
    'App not installed or removed by the user: re-authenticate.',
  ),
  row(190, 459, 'auth', 'give_up', false, 'User checkpointed: they must log in at facebook.com, then retry.'),
  row(190, 460, 'auth', 'reauthenticate', false, 'Password changed: re-authenticate.'),
  row(
    190,
    463,
    'auth',
    'reauthenticate',
    false,
    'Token expired: refresh it (Instagram Login) or re-authenticate.',
  ),
  row(190, 464, 'auth', 'give_up', false, 'Unconfirmed user: the user must confirm their account.'),
  row(190, 467, 'auth', 'reauthenticate', false, 'Invalid access token: re-authenticate.'),
  row(
    190,
    492,
    'auth',
    'reauthenticate',
    false,
    'Invalid session (e.g. the user lost their Page role): re-authenticate or fix the role.',
  ),

  // ── Business Use Case throttles (publishing §4.2/§5.3, messaging §3.1) ─────────────────────────────
  rateLimit(80000, 'BUC throttle (ads_insights): back off for estimated_time_to_regain_access.'),
  rateLimit(80000, 'BUC throttle (ads_insights): back off for estimated_time_to_regain_access.', 2446079),
  rateLimit(80001, 'BUC throttle (pages): back off for estimated_time_to_regain_access.'),
  rateLimit(
    80002,
    'BUC throttle (instagram: too many calls to this Instagram account): back off for estimated_time_to_regain_access.',
  ),
  rateLimit(80003, 'BUC throttle (custom_audience): back off.'),
  rateLimit(80004, 'BUC throttle (ads_management): back off.'),
  rateLimit(80005, 'BUC throttle (leadgen): back off.'),
  rateLimit(80006, 'BUC throttle (messenger): back off for estimated_time_to_regain_access.'),
  rateLimit(80008, 'BUC throttle (WhatsApp Business Management): back off.'),
  rateLimit(80009, 'BUC throttle (catalog management): back off.'),
  rateLimit(80014, 'BUC throttle (catalog batch): back off.'),
  {
    code: 80000,
    codeMax: 80014,
    category: 'rate_limit',
    action: 'backoff',
    retryable: true,
    explanation: 'Business Use Case throttle: back off for estimated_time_to_regain_access.',
  },

  // ── Instagram content publishing (publishing §4.3) ─────────────────────────────────────────────────
  row(
    -2,
    undefined,
    'media',
    'retry',
    true,
    'Media download/processing problem: retry, or create a new container.',
  ),
  row(
    -2,
    2207003,
    'media',
    'retry',
    true,
    'Timed out downloading the media from its URL: retry (same or new container).',
  ),
  row(
    -2,
    2207020,
    'container',
    'fix_request',
    false,
    'Container expired (older than 24 h): create a new container.',
  ),
  row(-1, undefined, 'transient', 'retry', true, 'Instagram server error: retry with backoff.'),
  row(-1, 2207001, 'transient', 'retry', true, 'Instagram server error: retry with backoff.'),
  row(-1, 2207032, 'container', 'retry', true, 'Container creation failed: retry creating it.'),
  row(
    -1,
    2207053,
    'container',
    'fix_request',
    false,
    'Unknown video upload error: create a new container, then retry.',
  ),
  row(
    -1,
    2018012,
    'transient',
    'retry',
    true,
    'Send API internal error: retry with backoff (check echoes first: sends are not idempotent).',
  ),
  row(
    1,
    2207057,
    'invalid_request',
    'fix_request',
    false,
    'thumb_offset is outside [0, video duration) in ms: fix it.',
  ),
  row(2, 2018344, 'transient', 'retry', true, 'Messaging service unavailable: retry.'),
  row(
    4,
    2207051,
    'publishing_limit',
    'give_up',
    false,
    'Action restricted as suspected spam: do not auto-retry; tell the user.',
  ),
  row(
    9,
    undefined,
    'publishing_limit',
    'backoff',
    false,
    'Publishing limit reached: wait until the rolling 24 h quota frees.',
  ),
  row(
    9,
    2207042,
    'publishing_limit',
    'backoff',
    false,
    'Daily publishing limit reached: wait until the rolling 24 h quota frees (see content_publishing_limit).',
  ),
  row(
    24,
    2207006,
    'container',
    'fix_request',
    false,
    'Media not found (permissions or expired token): create a new container; check the token.',
  ),
  row(
    24,
    2207008,
    'container',
    'retry',
    true,
    'Media builder (creation_id) missing or expired: retry 1–2× within 30 s–2 min, else create a new container.',
  ),
  row(
    25,
    2207050,
    'permission',
    'give_up',
    false,
    'Instagram account restricted, inactive or checkpointed: the user must fix it in the Instagram app.',
  ),
  row(100, 2207023, 'invalid_request', 'fix_request', false, 'Unknown media_type: fix the request.'),
  row(
    100,
    2207028,
    'invalid_request',
    'fix_request',
    false,
    'A carousel needs 2 to 10 children: fix the request.',
  ),
  row(
    100,
    2207035,
    'invalid_request',
    'fix_request',
    false,
    'Product tag x/y coordinates given for a video: remove them.',
  ),
  row(
    100,
    2207036,
    'invalid_request',
    'fix_request',
    false,
    'Product tag x/y coordinates missing for a photo: add them.',
  ),
  row(
    100,
    2207037,
    'invalid_request',
    'fix_request',
    false,
    'Product tags invalid: refresh the catalogue/products.',
  ),
  row(100, 2207040, 'invalid_request', 'fix_request', false, 'Too many @ tags (max 20): remove some.'),
  ...AUDIO_PARTNERSHIP_SUBCODES.map((sub) =>
    row(
      100,
      sub,
      'invalid_request',
      'fix_request',
      false,
      'Invalid /ig_audio audio-swap or partnership-ad code parameter: fix the request.',
    ),
  ),
  row(
    10,
    9053,
    'permission',
    'give_up',
    false,
    'Ads audio swap is not available for this account (HTTP 403).',
  ),
  row(352, undefined, 'media', 'fix_request', false, 'Unsupported video format: transcode to MOV/MP4.'),
  row(352, 2207026, 'media', 'fix_request', false, 'Unsupported video format: transcode to MOV/MP4.'),
  row(
    9004,
    undefined,
    'media',
    'fix_request',
    false,
    'Media could not be fetched from its URL: make it public and valid.',
  ),
  row(
    9004,
    2207052,
    'media',
    'fix_request',
    false,
    'Media could not be fetched from its URL: make it public and valid.',
  ),
  row(
    9007,
    undefined,
    'container',
    'retry',
    true,
    'Media not ready for publishing: poll the container until FINISHED, then publish.',
  ),
  row(
    9007,
    2207027,
    'container',
    'retry',
    true,
    'Media not ready for publishing: poll the container until FINISHED, then publish.',
  ),
  row(36000, 2207004, 'media', 'fix_request', false, 'Image too large (over 8 MiB): shrink it.'),
  row(36001, 2207005, 'media', 'fix_request', false, 'Unsupported image format: use JPEG.'),
  row(36003, 2207009, 'media', 'fix_request', false, 'Image aspect ratio outside 4:5 … 1.91:1: crop it.'),
  row(
    36004,
    2207010,
    'invalid_request',
    'fix_request',
    false,
    'Caption too long (max 2,200 characters, 30 hashtags, 20 @tags): shorten it.',
  ),

  // ── Messaging (messaging §2.3, §3.1) ───────────────────────────────────────────────────────────────
  row(
    10,
    2534022,
    'messaging_window',
    'wait_for_window',
    false,
    'Outside the allowed messaging window (24 h / 7 d HUMAN_AGENT): wait for the user to write again.',
  ),
  row(
    10,
    2018278,
    'messaging_window',
    'wait_for_window',
    false,
    'Outside the allowed messaging window (Messenger subcode): wait for the user to write again.',
  ),
  row(
    10,
    2534025,
    'messaging_window',
    'give_up',
    false,
    'A private reply was already sent for this comment (one per comment, within 7 days).',
  ),
  row(
    100,
    2534025,
    'messaging_window',
    'give_up',
    false,
    'A private reply was already sent for this comment (one per comment, within 7 days).',
  ),
  row(
    551,
    undefined,
    'recipient',
    'give_up',
    false,
    'This person is not available right now (blocked, restricted or deactivated): mark unreachable.',
  ),
  row(
    551,
    1545041,
    'recipient',
    'give_up',
    false,
    'This person is not available right now (blocked, restricted or deactivated): mark unreachable.',
  ),
  row(
    100,
    2018001,
    'recipient',
    'fix_request',
    false,
    'No matching user (bad IGSID, or one from another account/app): fix the id mapping.',
  ),
  row(
    100,
    2534014,
    'recipient',
    'give_up',
    false,
    'User cannot be found or is not eligible for messages: do not retry.',
  ),
  ...ATTACHMENT_SUBCODES.map(([sub, retryable, explanation]) =>
    row(100, sub, 'media', retryable ? 'retry' : 'fix_request', retryable, explanation),
  ),
];
