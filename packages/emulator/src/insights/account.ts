/**
 * Account insights: `GET /{ig-user-id}/insights?metric=…&period=day[&metric_type=total_value]
 * [&breakdown=…][&since=…&until=…]`, with deterministic values from the seed.
 * Source: https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/insights
 */
import { invalidParameter } from '../core/errors.js';
import type { EmulatorContext, GraphRequest, RouteResult } from '../core/types.js';

/** How a metric may be asked for. */
interface AccountMetric {
  title: string;
  description: string;
  /** `total_value` only, time series only, or both. */
  types: ReadonlyArray<'total_value' | 'time_series'>;
  periods: readonly string[];
  breakdowns?: readonly string[];
  scale: number;
}

const TOTAL = ['total_value'] as const;
const DAY = ['day'] as const;
const MEDIA = ['media_product_type'] as const;

/** Current account metrics (v22.0+). */
export const ACCOUNT_METRICS: Record<string, AccountMetric> = {
  reach: {
    title: 'Accounts reached',
    description: 'Unique accounts that saw your content.',
    types: ['total_value', 'time_series'],
    periods: DAY,
    breakdowns: ['media_product_type', 'follow_type'],
    scale: 1,
  },
  views: {
    title: 'Views',
    description: 'Times your content was played or displayed.',
    types: TOTAL,
    periods: DAY,
    breakdowns: ['media_product_type', 'follow_type'],
    scale: 2.4,
  },
  follower_count: {
    title: 'Follower count',
    description: 'New followers per day.',
    types: ['time_series'],
    periods: DAY,
    scale: 0.01,
  },
  accounts_engaged: {
    title: 'Accounts engaged',
    description: 'Accounts that interacted with your content.',
    types: TOTAL,
    periods: DAY,
    scale: 0.1,
  },
  total_interactions: {
    title: 'Content interactions',
    description: 'Likes, saves, comments, shares and replies.',
    types: TOTAL,
    periods: DAY,
    breakdowns: MEDIA,
    scale: 0.15,
  },
  likes: {
    title: 'Likes',
    description: 'Likes on your content.',
    types: TOTAL,
    periods: DAY,
    breakdowns: MEDIA,
    scale: 0.08,
  },
  comments: {
    title: 'Comments',
    description: 'Comments on your content.',
    types: TOTAL,
    periods: DAY,
    breakdowns: MEDIA,
    scale: 0.01,
  },
  shares: {
    title: 'Shares',
    description: 'Shares of your content.',
    types: TOTAL,
    periods: DAY,
    breakdowns: MEDIA,
    scale: 0.01,
  },
  saves: {
    title: 'Saves',
    description: 'Saves of your content.',
    types: TOTAL,
    periods: DAY,
    breakdowns: MEDIA,
    scale: 0.02,
  },
  replies: {
    title: 'Replies',
    description: 'Replies to your stories.',
    types: TOTAL,
    periods: DAY,
    scale: 0.005,
  },
  follows_and_unfollows: {
    title: 'Follows and unfollows',
    description: 'Accounts that followed or unfollowed you.',
    types: TOTAL,
    periods: DAY,
    breakdowns: ['follow_type'],
    scale: 0.01,
  },
  profile_links_taps: {
    title: 'Profile link taps',
    description: 'Taps on your profile links.',
    types: TOTAL,
    periods: DAY,
    breakdowns: ['contact_button_type'],
    scale: 0.01,
  },
  website_clicks: {
    title: 'Website clicks',
    description: 'Taps on the website link in your profile.',
    types: TOTAL,
    periods: DAY,
    scale: 0.01,
  },
  profile_views: {
    title: 'Profile views',
    description: 'Views of your profile.',
    types: TOTAL,
    periods: DAY,
    scale: 0.05,
  },
  online_followers: {
    title: 'Online followers',
    description: 'Followers online per hour.',
    types: ['time_series'],
    periods: ['lifetime'],
    scale: 0.3,
  },
};

/** Metrics Meta retired for account insights (an error names the replacement). */
const RETIRED: Record<string, string> = {
  impressions:
    'Starting from version v22.0 and above, the impressions metric is no longer supported; use views',
  email_contacts: 'The email_contacts metric is no longer supported; use profile_links_taps',
  phone_call_clicks: 'The phone_call_clicks metric is no longer supported; use profile_links_taps',
  text_message_clicks: 'The text_message_clicks metric is no longer supported; use profile_links_taps',
  get_directions_clicks: 'The get_directions_clicks metric is no longer supported; use profile_links_taps',
};

const DAY_MS = 24 * 3600_000;
const MAX_RANGE_S = 30 * 24 * 3600;

const DIMENSIONS: Record<string, readonly string[]> = {
  media_product_type: ['POST', 'REEL', 'STORY', 'CAROUSEL_CONTAINER'],
  follow_type: ['FOLLOWER', 'NON_FOLLOWER'],
  contact_button_type: ['BOOK_NOW', 'CALL', 'DIRECTION', 'EMAIL', 'TEXT', 'UNDEFINED'],
};

function metaTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
}

/** Handles `GET /{ig-user-id}/insights`. */
export function accountInsights(ctx: EmulatorContext, req: GraphRequest): RouteResult {
  const auth = ctx.requireAuth(req, { node: req.params['id']!, capability: 'manage_insights' });
  const account = auth.account!;
  const a = req.args;
  const raw = a['metric'];
  if (typeof raw !== 'string' || raw.trim() === '')
    throw invalidParameter('The parameter metric is required');
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  names.forEach((n, i) => {
    if (RETIRED[n] !== undefined) throw invalidParameter(RETIRED[n]!);
    if (ACCOUNT_METRICS[n] === undefined)
      throw invalidParameter(
        `metric[${i}] must be one of the following values: ${Object.keys(ACCOUNT_METRICS).join(', ')}`,
      );
  });
  const period = typeof a['period'] === 'string' ? a['period'] : undefined;
  if (period === undefined) throw invalidParameter('The parameter period is required');
  const metricType = a['metric_type'] === undefined ? 'time_series' : String(a['metric_type']);
  if (metricType !== 'time_series' && metricType !== 'total_value')
    throw invalidParameter('param metric_type must be one of {time_series, total_value}');
  const breakdown = typeof a['breakdown'] === 'string' && a['breakdown'] !== '' ? a['breakdown'] : undefined;
  if (breakdown !== undefined && metricType !== 'total_value')
    throw invalidParameter('The breakdown parameter is only supported with metric_type=total_value');
  for (const n of names) {
    const def = ACCOUNT_METRICS[n]!;
    if (!def.periods.includes(period))
      throw invalidParameter(`The ${n} metric supports period ${def.periods.join(', ')}, not ${period}`);
    if (!def.types.includes(metricType as 'total_value'))
      throw invalidParameter(
        def.types.includes('total_value')
          ? `The ${n} metric only supports total_value (metric_type=total_value)`
          : `The ${n} metric does not support metric_type=total_value`,
      );
    if (breakdown !== undefined && !(def.breakdowns ?? []).includes(breakdown))
      throw invalidParameter(`The ${n} metric does not support the ${breakdown} breakdown`);
  }
  const now = ctx.clock.now();
  const until = a['until'] === undefined ? now : Number(a['until']) * 1000;
  const since = a['since'] === undefined ? until - 2 * DAY_MS : Number(a['since']) * 1000;
  if (!Number.isFinite(since) || !Number.isFinite(until))
    throw invalidParameter('since and until must be unix timestamps');
  if (until < since) throw invalidParameter('The until parameter must be later than since');
  if ((until - since) / 1000 > MAX_RANGE_S)
    throw invalidParameter('There cannot be more than 30 days (2592000 s) between since and until');
  if (names.includes('follower_count') && since < now - 30 * DAY_MS)
    throw invalidParameter('follower_count is only available for the last 30 days');
  if (since < now - 2 * 365 * DAY_MS)
    throw invalidParameter('Insights are only available for the last 2 years');

  const base = 100 + Math.floor(ctx.ids.unit(`account-reach:${account.igUserId}`) * 5_000);
  const metricValue = (n: string, key: string) =>
    Math.max(
      0,
      Math.round(
        base *
          ACCOUNT_METRICS[n]!.scale *
          (0.75 + ctx.ids.unit(`acct:${account.igUserId}:${n}:${key}`) * 0.5),
      ),
    );
  const data = names.map((n) => {
    const def = ACCOUNT_METRICS[n]!;
    const row: Record<string, unknown> = { name: n, period, title: def.title, description: def.description };
    if (metricType === 'total_value') {
      const total: Record<string, unknown> = { value: metricValue(n, `${since}-${until}`) };
      if (breakdown !== undefined)
        total['breakdowns'] = [
          {
            dimension_keys: [breakdown],
            results: (DIMENSIONS[breakdown] ?? []).map((d) => ({
              dimension_values: [d],
              value: metricValue(n, `${since}-${until}-${d}`),
            })),
          },
        ];
      row['total_value'] = total;
    } else {
      const values: unknown[] = [];
      for (
        let t = Math.floor(since / DAY_MS) * DAY_MS + DAY_MS;
        t <= until && values.length < 30;
        t += DAY_MS
      )
        values.push(
          n === 'online_followers'
            ? { value: {}, end_time: metaTime(t) }
            : { value: metricValue(n, String(t)), end_time: metaTime(t) },
        );
      row['values'] = values;
    }
    row['id'] = `${account.igUserId}/insights/${n}/${period}`;
    return row;
  });
  return { body: { data } };
}
