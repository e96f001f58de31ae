/**
 * Rolling call budgets and the usage headers computed from them: the IG account's
 * business-use-case budget (type `instagram`, 80002), the Page's for calls made with the Page token
 * (type `pages`, 32) and the app's platform budget (`X-App-Usage`, 4). Past 100 % a call fails with
 * HTTP 400 until enough of the window has passed.
 * Source: https://developers.facebook.com/docs/graph-api/overview/rate-limiting/
 */
import type { AuthContext } from './auth-types.js';
import { type GraphError, graphError } from './errors.js';
import type { UsageMeter } from './usage.js';

/** One rolling call budget (see `budgetsOf`). */
interface Budget {
  key: string;
  budget: number;
  windowMs: number;
  /** Where the budget is reported in `X-Business-Use-Case-Usage` (none: platform budgets). */
  header?: { id: string; type: 'instagram' | 'pages' };
  error: () => GraphError;
}

/** Meta's throttling errors, HTTP 400 and transient (rate-limiting guide). */
const THROTTLED = {
  instagram: () =>
    graphError({
      code: 80002,
      message:
        '(#80002) There have been too many calls to this Instagram account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.',
      isTransient: true,
    }),
  page: () => graphError({ code: 32, message: '(#32) Page request limit reached', isTransient: true }),
  app: () => graphError({ code: 4, message: '(#4) Application request limit reached', isTransient: true }),
} as const;

/**
 * The rolling budgets a call spends, in the order they are checked: the IG account's
 * business-use-case budget (80002), the Page's (32, calls made with the Page token) and the
 * app's (4).
 */
export function budgetsOf(auth: AuthContext): Budget[] {
  const out: Budget[] = [];
  const acct = auth.account;
  if (acct !== undefined) {
    const s = acct.settings;
    out.push({
      key: `buc:${acct.igUserId}`,
      budget: s.bucCallBudget,
      windowMs: s.bucWindowMs,
      header: { id: acct.igUserId, type: 'instagram' },
      error: THROTTLED.instagram,
    });
    if (auth.token.kind === 'page')
      out.push({
        key: `page:${acct.pageId}`,
        budget: s.pageCallBudget,
        windowMs: s.pageWindowMs,
        header: { id: acct.pageId, type: 'pages' },
        error: THROTTLED.page,
      });
  }
  const app = auth.app;
  out.push({
    key: `app:${app.id}`,
    budget: app.appCallBudget,
    windowMs: app.appWindowMs,
    error: THROTTLED.app,
  });
  return out;
}

/** Counts the call against every budget; the first budget already at 100 % refuses it. */
export function meter(usage: UsageMeter, auth: AuthContext): void {
  for (const b of budgetsOf(auth)) {
    const before = usage.count(b.key, b.windowMs);
    usage.record(b.key, b.windowMs);
    if (before >= b.budget) throw b.error();
  }
}

/**
 * Usage headers for a caller: `X-App-Usage` (the app's budget) and `X-Business-Use-Case-Usage`
 * (the account's `instagram` entry and, for Page tokens, the Page's `pages` entry).
 */
export function usageHeaders(usage: UsageMeter, auth: AuthContext): Record<string, string> {
  const headers: Record<string, string> = {};
  const buc: Record<string, unknown[]> = {};
  for (const b of budgetsOf(auth)) {
    const p = pct(usage.count(b.key, b.windowMs), b.budget);
    if (b.key.startsWith('app:'))
      headers['x-app-usage'] = JSON.stringify({ call_count: p, total_time: p, total_cputime: p });
    if (b.header === undefined) continue;
    const wait = p >= 100 ? Math.ceil(usage.msUntilBelow(b.key, b.windowMs, b.budget) / 60_000) : 0;
    const entries = buc[b.header.id] ?? [];
    buc[b.header.id] = entries;
    entries.push({
      type: b.header.type,
      call_count: p,
      total_cputime: p,
      total_time: p,
      estimated_time_to_regain_access: wait,
    });
  }
  headers['x-business-use-case-usage'] = JSON.stringify(buc);
  return headers;
}
function pct(count: number, budget: number): number {
  return budget <= 0 ? 100 : Math.floor((count * 100) / budget);
}
