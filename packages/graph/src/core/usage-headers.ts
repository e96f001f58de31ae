/**
 * Pure parser for Meta's usage headers (publishing reference §5.2/5.3):
 * - `X-App-Usage: {"call_count":28,"total_time":25,"total_cputime":25}` — percentages of the app's hourly budget.
 * - `X-Business-Use-Case-Usage: {"<business-id>":[{"type":"instagram","call_count":100,"total_cputime":25,
 *   "total_time":25,"estimated_time_to_regain_access":19}]}` — percentages per business object and use-case
 *   type; `estimated_time_to_regain_access` is in MINUTES (converted to ms here).
 * Malformed or missing headers never throw; they yield an empty snapshot part.
 */

/** Percentages (0–100, may exceed 100) of the app's rolling one-hour budget. */
export interface AppUsage {
  callCount: number;
  totalTime: number;
  totalCputime: number;
}

/** One Business Use Case usage entry for a business object. */
export interface BusinessUseCaseUsage {
  /** e.g. `instagram`, `messenger`, `pages`; `unknown` when absent. */
  type: string;
  callCount: number;
  totalTime: number;
  totalCputime: number;
  /** `estimated_time_to_regain_access` converted from minutes to ms (0 when not throttled). */
  regainAccessMs: number;
}

/** Typed view of one response's usage headers. */
export interface UsageSnapshot {
  /** `X-App-Usage`, when present and parseable. */
  app?: AppUsage;
  /** `X-Business-Use-Case-Usage` entries keyed by business object id (empty when absent). */
  businessUseCase: Record<string, BusinessUseCaseUsage[]>;
  /** Highest percentage of any counter in either header (0 when none). */
  maxPercent: number;
  /** Longest `estimated_time_to_regain_access` in ms (0 when not blocked). */
  blockedForMs: number;
}

/** Anything with a case-insensitive `get`, e.g. a fetch `Headers`. */
export interface HeaderSource {
  get(name: string): string | null;
}

const MINUTE_MS = 60_000;

function percent(value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isFinite(n) && n > 0 ? n : 0;
}

function parseJsonObject(raw: string | null): Record<string, unknown> | undefined {
  if (raw === null || raw.trim() === '') return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function readHeader(headers: HeaderSource, name: string): string | null {
  try {
    return headers.get(name);
  } catch {
    return null;
  }
}

function parseBucEntry(value: unknown): BusinessUseCaseUsage | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entry = value as Record<string, unknown>;
  return {
    type: typeof entry['type'] === 'string' ? entry['type'] : 'unknown',
    callCount: percent(entry['call_count']),
    totalTime: percent(entry['total_time']),
    totalCputime: percent(entry['total_cputime']),
    regainAccessMs: Math.round(percent(entry['estimated_time_to_regain_access']) * MINUTE_MS),
  };
}

/** An empty snapshot (no usage information). */
export function emptyUsageSnapshot(): UsageSnapshot {
  // Null prototype: business ids come from the wire ("__proto__" must stay a plain key).
  const businessUseCase = Object.create(null) as Record<string, BusinessUseCaseUsage[]>;
  return { businessUseCase, maxPercent: 0, blockedForMs: 0 };
}

/** True when the snapshot carries any usage information. */
export function hasUsage(snapshot: UsageSnapshot): boolean {
  return snapshot.app !== undefined || Object.keys(snapshot.businessUseCase).length > 0;
}

/**
 * Parses `X-App-Usage` and `X-Business-Use-Case-Usage` into a frozen snapshot. Pure; never throws.
 *
 * @example parseUsageHeaders(new Headers({ 'x-app-usage': '{"call_count":95}' })).maxPercent // → 95
 */
export function parseUsageHeaders(headers: HeaderSource): UsageSnapshot {
  const appRaw = readHeader(headers, 'x-app-usage');
  const bucRaw = readHeader(headers, 'x-business-use-case-usage');
  // Consecutive responses usually repeat the same header text: reuse the (frozen) snapshot.
  if (appRaw === lastParsed.appRaw && bucRaw === lastParsed.bucRaw) return lastParsed.snapshot;
  const snapshot = deepFreeze(parseRaw(appRaw, bucRaw));
  lastParsed = { appRaw, bucRaw, snapshot };
  return snapshot;
}

let lastParsed: { appRaw: string | null; bucRaw: string | null; snapshot: UsageSnapshot } = {
  appRaw: null,
  bucRaw: null,
  snapshot: deepFreeze(emptyUsageSnapshot()),
};

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

function parseRaw(appRaw: string | null, bucRaw: string | null): UsageSnapshot {
  const snapshot = emptyUsageSnapshot();
  const counters: number[] = [];

  const app = parseJsonObject(appRaw);
  if (app) {
    snapshot.app = {
      callCount: percent(app['call_count']),
      totalTime: percent(app['total_time']),
      totalCputime: percent(app['total_cputime']),
    };
    counters.push(snapshot.app.callCount, snapshot.app.totalTime, snapshot.app.totalCputime);
  }

  const buc = parseJsonObject(bucRaw);
  for (const [businessId, value] of Object.entries(buc ?? {})) {
    const list = (Array.isArray(value) ? value : [value])
      .map(parseBucEntry)
      .filter((e): e is BusinessUseCaseUsage => e !== undefined);
    if (list.length === 0) continue;
    snapshot.businessUseCase[businessId] = list;
    for (const e of list) {
      counters.push(e.callCount, e.totalTime, e.totalCputime);
      snapshot.blockedForMs = Math.max(snapshot.blockedForMs, e.regainAccessMs);
    }
  }

  snapshot.maxPercent = counters.reduce((max, n) => Math.max(max, n), 0);
  return snapshot;
}
