/**
 * Fault injection: a fault matches requests by method and path pattern and fires `times` times.
 * Effects: latency, an error response (status and/or Meta error code), drop the connection after
 * the mutation committed, or mark containers created by the request as stuck / failing.
 */
import { splitPath } from './path.js';

/** A fault as configured through `POST /__emulator/faults`. */
export interface FaultSpec {
  /** HTTP method to match; `'*'` or absent = any. */
  method?: string;
  /**
   * Path to match, without the version prefix: exact (`/178414…/media_publish`), with `*` or
   * `:name` / `{name}` wildcard segments (`/*\/media_publish`), or `'*'` for every Graph path.
   */
  path: string;
  /** How many matching requests it affects; default 1; `0` = every matching request until cleared. */
  times?: number;
  /** HTTP status of the injected error (default 400 with `error`, 500 without). */
  status?: number;
  /** Meta error code/subcode of the injected error. */
  error?: {
    code: number;
    error_subcode?: number;
    message?: string;
    is_transient?: boolean;
    type?: string;
    /** For rate-limit codes: minutes put in the usage header (default 1). */
    estimated_time_to_regain_access?: number;
  };
  /** Real (wall-clock) delay before the request is handled. */
  latencyMs?: number;
  /** Perform the request (commit the mutation), then destroy the socket without a response. */
  dropAfterCommit?: boolean;
  /** Containers created by the matched request never finish (`stuck`) or end in ERROR (`error`). */
  container?: 'stuck' | 'error';
}

/** Longest injected latency (10 minutes of real time). */
export const MAX_LATENCY_MS = 600_000;

/** A fault that matched a request (handed to handlers as `req.fault`). */
export interface ActiveFault extends FaultSpec {
  id: string;
}

interface StoredFault extends ActiveFault {
  remaining: number;
  hits: number;
  segments: string[] | null;
}

/** Validates and normalises a fault from untrusted JSON; throws `RangeError` with a readable message. */
export function parseFault(input: unknown): FaultSpec {
  if (typeof input !== 'object' || input === null) throw new RangeError('fault must be an object');
  const f = input as Record<string, unknown>;
  if (typeof f['path'] !== 'string' || f['path'] === '') throw new RangeError('fault.path is required');
  const opt = (k: string, t: string) => {
    if (f[k] !== undefined && typeof f[k] !== t) throw new RangeError(`fault.${k} must be a ${t}`);
  };
  opt('method', 'string');
  opt('times', 'number');
  opt('status', 'number');
  opt('latencyMs', 'number');
  opt('dropAfterCommit', 'boolean');
  const int = (k: string, min: number, max: number) => {
    const v = f[k];
    if (v !== undefined && (!Number.isInteger(v) || (v as number) < min || (v as number) > max))
      throw new RangeError(`fault.${k} must be an integer from ${min} to ${max}`);
  };
  // node:http refuses statuses outside 100–599: an invalid one would fail the response, not the fault.
  int('status', 100, 599);
  int('times', 0, Number.MAX_SAFE_INTEGER);
  int('latencyMs', 0, MAX_LATENCY_MS);
  if (f['method'] !== undefined && !/^(\*|[A-Za-z]+)$/.test(f['method'] as string))
    throw new RangeError("fault.method must be an HTTP method or '*'");
  if (f['container'] !== undefined && f['container'] !== 'stuck' && f['container'] !== 'error')
    throw new RangeError("fault.container must be 'stuck' or 'error'");
  if (f['error'] !== undefined) {
    const e = f['error'] as Record<string, unknown> | null;
    if (typeof e !== 'object' || e === null || !Number.isInteger(e['code']))
      throw new RangeError('fault.error.code must be an integer');
    const eopt = (k: string, t: string) => {
      if (e[k] !== undefined && typeof e[k] !== t) throw new RangeError(`fault.error.${k} must be a ${t}`);
    };
    eopt('error_subcode', 'number');
    eopt('message', 'string');
    eopt('is_transient', 'boolean');
    eopt('type', 'string');
    eopt('estimated_time_to_regain_access', 'number');
  }
  return f as unknown as FaultSpec;
}

/** The fault table. */
export class FaultEngine {
  #faults: StoredFault[] = [];
  #seq = 0;

  /** Adds a fault; returns its id. */
  add(spec: FaultSpec): string {
    const id = `fault-${++this.#seq}`;
    const times = spec.times ?? 1;
    const path = spec.path.trim();
    this.#faults.push({
      ...spec,
      id,
      remaining: times <= 0 ? Number.POSITIVE_INFINITY : times,
      hits: 0,
      segments: path === '*' ? null : splitPath(path),
    });
    return id;
  }

  /** Finds the first live fault for a request and consumes one use of it. */
  take(method: string, path: string): ActiveFault | undefined {
    if (this.#faults.length === 0) return undefined; // the usual case: no path split per request
    const segs = splitPath(path);
    for (const f of this.#faults) {
      if (f.remaining <= 0) continue;
      if (f.method !== undefined && f.method !== '*' && f.method.toUpperCase() !== method) continue;
      if (f.segments !== null && !matches(f.segments, segs)) continue;
      f.remaining--;
      f.hits++;
      if (f.remaining <= 0) this.#faults = this.#faults.filter((x) => x !== f);
      const { remaining: _r, hits: _h, segments: _s, ...active } = f;
      return active;
    }
    return undefined;
  }

  /** Live faults with their remaining uses. */
  list(): Array<ActiveFault & { remaining: number | 'unlimited'; hits: number }> {
    return this.#faults.map(({ segments: _s, remaining, ...f }) => ({
      ...f,
      remaining: Number.isFinite(remaining) ? remaining : 'unlimited',
    }));
  }

  /** Removes one fault (by id) or all. */
  clear(id?: string): void {
    this.#faults = id === undefined ? [] : this.#faults.filter((f) => f.id !== id);
  }

  reset(): void {
    this.#faults = [];
    this.#seq = 0;
  }
}

function matches(pattern: string[], segs: string[]): boolean {
  if (pattern.length !== segs.length) return false;
  return pattern.every(
    (p, i) => p === '*' || p.startsWith(':') || (p.startsWith('{') && p.endsWith('}')) || p === segs[i],
  );
}
