/**
 * Account-level constants and knobs: login flavours, every permission per flavour, the
 * long-lived token lifetime and the per-account settings with their defaults.
 * Sources: https://developers.facebook.com/documentation/instagram-platform/reference.md ;
 * https://developers.facebook.com/documentation/instagram-platform/reference/refresh_access_token
 */

/** Which login flavour (and therefore host, token and permission names) an account uses. */
export type LoginType = 'facebook' | 'instagram';

/** Per-account behaviour knobs (PUT /__emulator/accounts/{id}/settings). */
export interface AccountSettings {
  /** Image container processing time (ms of emulated time). Default 0 (finished at creation). */
  imageProcessingMs: number;
  /** Video container processing time; `null` = a deterministic 20–40 s per container. */
  videoProcessingMs: number | null;
  /** `media_publish` quota per rolling `publishingWindowMs`. Default 50. */
  publishingLimit: number;
  publishingWindowMs: number;
  /** Max containers created per rolling 24 h. Default 400. */
  containerLimit: number;
  /** Business-use-case (type instagram) call budget per `bucWindowMs`. Default 48,000 / 24 h. */
  bucCallBudget: number;
  bucWindowMs: number;
  /** Page business-use-case (type pages) budget for calls made with the Page token (code 32). Default 48,000 / 24 h. */
  pageCallBudget: number;
  pageWindowMs: number;
  /** Viewer count reported for stories (insights error 10 below 5); `null` = derived from the seed. */
  storyViewers: number | null;
}

/** Every permission per flavour (granted by default). */
export const ALL_PERMISSIONS: Record<LoginType, readonly string[]> = {
  instagram: [
    'instagram_business_basic',
    'instagram_business_content_publish',
    'instagram_business_manage_messages',
    'instagram_business_manage_comments',
    'instagram_business_manage_insights',
  ],
  facebook: [
    'instagram_basic',
    'instagram_content_publish',
    'instagram_manage_messages',
    'instagram_manage_comments',
    'instagram_manage_insights',
    'instagram_manage_contents',
    'pages_show_list',
    'pages_read_engagement',
    'pages_manage_metadata',
    'pages_messaging',
    'business_management',
  ],
};

/** 60 days, the long-lived token lifetime. */
export const LONG_LIVED_TOKEN_SEC = 60 * 24 * 3600;

/** Default account settings. */
export function defaultSettings(): AccountSettings {
  return {
    imageProcessingMs: 0,
    videoProcessingMs: null,
    publishingLimit: 50,
    publishingWindowMs: 24 * 3600_000,
    containerLimit: 400,
    bucCallBudget: 48_000,
    bucWindowMs: 24 * 3600_000,
    pageCallBudget: 48_000,
    pageWindowMs: 24 * 3600_000,
    storyViewers: null,
  };
}
