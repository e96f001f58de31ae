/**
 * The emulator's own diagnostics, kept apart from Meta-shaped answers: bugs inside the emulator
 * (`internalErrors`) and requests for things it does not implement (`notEmulated`). Both are
 * ground truth in `state()`, bounded, and never disguised as a Meta error.
 */
import { type GraphError, graphError } from './errors.js';

/** A bug inside the emulator: a handler or listener threw something that is not a Graph error. */
export interface InternalErrorRecord {
  /** Emulated time, epoch ms. */
  at: number;
  /** `graph`, `control`, `event` or a module's own label. */
  where: string;
  method?: string;
  path?: string;
  message: string;
  stack?: string;
}

/** A request (or part of one) the emulator does not implement. */
export interface NotEmulatedRecord {
  method: string;
  path: string;
  /** What is missing, e.g. `GET /{id}/tags` or `the fields modifier .since()`. */
  what: string;
  count: number;
  firstAt: number;
  lastAt: number;
}

/** Records kept of each kind (oldest dropped). */
export const DIAGNOSTICS_CAP = 200;

/** Message prefix of every not-emulated answer. */
export const NOT_EMULATED_PREFIX = 'igkit emulator:';

/** The two diagnostic logs of one emulator. */
export class Diagnostics {
  #internal: InternalErrorRecord[] = [];
  readonly #notEmulated = new Map<string, NotEmulatedRecord>();
  readonly #report: (r: InternalErrorRecord) => void;

  constructor(report: (r: InternalErrorRecord) => void) {
    this.#report = report;
  }

  /** Records an internal error and reports it (stderr by default). */
  internal(record: InternalErrorRecord): void {
    this.#internal.push(record);
    if (this.#internal.length > DIAGNOSTICS_CAP) this.#internal.shift();
    try {
      this.#report(record);
    } catch {
      // reporting must never take the emulator down
    }
  }

  /** Records a not-emulated request and returns the error to answer with. */
  notEmulated(method: string, path: string, what: string, now: number): GraphError {
    const key = `${method} ${path} ${what}`;
    const r = this.#notEmulated.get(key);
    if (r !== undefined) {
      r.count++;
      r.lastAt = now;
    } else {
      this.#notEmulated.set(key, { method, path, what, count: 1, firstAt: now, lastAt: now });
      if (this.#notEmulated.size > DIAGNOSTICS_CAP) {
        const oldest = this.#notEmulated.keys().next().value;
        if (oldest !== undefined) this.#notEmulated.delete(oldest);
      }
    }
    return graphError({
      code: 100,
      type: 'IgkitEmulatorNotEmulated',
      message: `${NOT_EMULATED_PREFIX} ${what} is not emulated (${method} ${path}); see docs/emulator.md`,
    });
  }

  snapshot(): { internalErrors: InternalErrorRecord[]; notEmulated: NotEmulatedRecord[] } {
    return {
      internalErrors: this.#internal.map((r) => ({ ...r })),
      notEmulated: [...this.#notEmulated.values()].map((r) => ({ ...r })),
    };
  }

  get internalCount(): number {
    return this.#internal.length;
  }

  /** Forgets not-emulated records. Internal errors survive `reset()`: they are about the emulator itself. */
  reset(): void {
    this.#notEmulated.clear();
  }
}

/** Default reporter: one line on stderr. */
export function reportToStderr(r: InternalErrorRecord): void {
  const where = r.method === undefined ? r.where : `${r.where} ${r.method} ${r.path ?? ''}`;
  process.stderr.write(`igkit emulator: internal error in ${where}: ${r.stack ?? r.message}\n`);
}

/** The answer to a request that hit an emulator bug: HTTP 500, not transient, clearly not Meta's. */
export function internalErrorBody(message: string, trace: string): unknown {
  return {
    error: {
      message: `${NOT_EMULATED_PREFIX} internal error (a bug in the emulator, not a Meta answer): ${message}`,
      type: 'IgkitEmulatorInternalError',
      code: 0,
      is_transient: false,
      fbtrace_id: trace,
    },
  };
}

/** Thrown by `assertNoInternalErrors()` / `RunningEmulator.close()` after the emulator hit a bug of its own. */
export class EmulatorInternalErrors extends Error {
  override readonly name = 'EmulatorInternalErrors' as const;
  readonly records: InternalErrorRecord[];
  constructor(total: number, records: InternalErrorRecord[]) {
    const first = records[0];
    super(
      `igkit emulator: ${total} internal error(s) while running (a bug in the emulator; state().internalErrors has them)` +
        (first === undefined
          ? ''
          : `; first: ${first.where} ${first.method ?? ''} ${first.path ?? ''}: ${first.message}`),
    );
    this.records = records;
  }
}
