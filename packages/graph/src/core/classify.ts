import {
  ERROR_CATALOGUE,
  type ErrorAction,
  type ErrorCatalogueEntry,
  type ErrorCategory,
} from './error-catalogue.js';

/** What {@link classifyGraphError} needs from an error. */
export interface ClassifyInput {
  status: number;
  code?: number;
  subcode?: number;
  isTransient?: boolean;
}

/** Result of {@link classifyGraphError}. `matchedBy` says which lookup step decided. */
export interface Classification {
  category: ErrorCategory;
  action: ErrorAction;
  retryable: boolean;
  explanation: string;
  matchedBy: 'code+subcode' | 'code' | 'code-range' | 'status' | 'is_transient' | 'unknown';
}

const bySubcode = new Map<string, ErrorCatalogueEntry>();
const byCode = new Map<number, ErrorCatalogueEntry>();
const bySubcodeOnly = new Map<number, ErrorCatalogueEntry>();
const ranges: ErrorCatalogueEntry[] = [];
for (const entry of ERROR_CATALOGUE) {
  if (entry.codeMax !== undefined) ranges.push(entry);
  else if (entry.subcode !== undefined) {
    bySubcode.set(`${entry.code}/${entry.subcode}`, entry);
    if (!bySubcodeOnly.has(entry.subcode)) bySubcodeOnly.set(entry.subcode, entry);
  } else byCode.set(entry.code, entry);
}

/**
 * True for the codes the catalogue classifies as rate limits (4, 17, 32, 341, 613 and the Business Use Case
 * codes 80000–80014). These arrive as HTTP 400 (sometimes 403) and are rate limits whatever the status.
 * Derived from {@link ERROR_CATALOGUE}: there is no second list.
 */
export function isRateLimitCode(code: number | undefined): boolean {
  if (code === undefined) return false;
  return classifyGraphError({ status: 400, code }).category === 'rate_limit';
}

/** The Business Use Case throttle range: these budgets belong to the business object (IG account), not the app. */
const BUC_RANGE = ERROR_CATALOGUE.find((e) => e.codeMax !== undefined && e.category === 'rate_limit');

/** True for Business Use Case throttle codes (80000–80014 in the catalogue): the account's budget, not the app's. */
export function isBusinessUseCaseCode(code: number | undefined): boolean {
  return (
    code !== undefined &&
    BUC_RANGE !== undefined &&
    code >= BUC_RANGE.code &&
    code <= (BUC_RANGE.codeMax ?? BUC_RANGE.code)
  );
}

/**
 * The catalogue row for a bare subcode (e.g. the `2207026` Meta prints in a container's `status` text, where
 * no code comes with it): the first row naming that subcode, if any.
 */
export function catalogueEntryForSubcode(subcode: number | undefined): ErrorCatalogueEntry | undefined {
  if (subcode === undefined) return undefined;
  return bySubcodeOnly.get(subcode);
}

function fromEntry(entry: ErrorCatalogueEntry, matchedBy: Classification['matchedBy']): Classification {
  const { category, action, retryable, explanation } = entry;
  return { category, action, retryable, explanation, matchedBy };
}

/**
 * Classifies a Graph API failure from its data (never from message text).
 * Order: (code, subcode) → code → code range → HTTP status (429 rate limit, 5xx transient, 401 auth)
 * → `is_transient` → unknown.
 */
export function classifyGraphError(e: ClassifyInput): Classification {
  const { status, code, subcode } = e;
  if (code !== undefined) {
    if (subcode !== undefined) {
      const exact = bySubcode.get(`${code}/${subcode}`);
      if (exact) return fromEntry(exact, 'code+subcode');
    }
    const known = byCode.get(code);
    if (known) return fromEntry(known, 'code');
    const range = ranges.find((r) => code >= r.code && code <= (r.codeMax ?? r.code));
    if (range) return fromEntry(range, 'code-range');
  }
  if (status === 429) {
    return {
      category: 'rate_limit',
      action: 'backoff',
      retryable: true,
      explanation: 'HTTP 429 Too Many Requests: back off.',
      matchedBy: 'status',
    };
  }
  if (status >= 500 && status <= 599) {
    return {
      category: 'transient',
      action: 'retry',
      retryable: true,
      explanation: `HTTP ${status} server error: retry with backoff.`,
      matchedBy: 'status',
    };
  }
  if (status === 401) {
    return {
      category: 'auth',
      action: 'reauthenticate',
      retryable: false,
      explanation: 'HTTP 401 Unauthorized: get a new token.',
      matchedBy: 'status',
    };
  }
  if (e.isTransient === true) {
    return {
      category: 'transient',
      action: 'retry',
      retryable: true,
      explanation: 'Meta marked this error transient: retry with backoff.',
      matchedBy: 'is_transient',
    };
  }
  return {
    category: 'unknown',
    action: 'give_up',
    retryable: false,
    explanation: 'Unrecognised error: not retried; check the message and fbtrace_id.',
    matchedBy: 'unknown',
  };
}
