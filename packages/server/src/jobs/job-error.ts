/**
 * Why a job attempt failed, as data. A handler throws {@link JobError} to have pg-boss retry the job; its
 * message is composed from the category and code only (it is stored in pg-boss's job output), never from
 * content or credentials.
 */
export type JobErrorCategory = 'transient' | 'rate_limit' | 'auth' | 'invalid' | 'internal';

export class JobError extends Error {
  override readonly name = 'JobError' as const;
  readonly category: JobErrorCategory;
  readonly code: string;
  /** The pg-boss job id, set by the runner (read back from the dead-letter job's output). */
  jobId?: string;
  constructor(category: JobErrorCategory, code: string) {
    super(`${category}: ${code}`);
    this.category = category;
    this.code = code;
  }
}

/** Category and code of anything a handler threw. Unknown errors are `internal` (their text is not kept). */
export function describeFailure(e: unknown): { category: JobErrorCategory; code: string } {
  if (e instanceof JobError) return { category: e.category, code: e.code };
  const code = (e as { code?: unknown } | undefined)?.code;
  return {
    category: 'internal',
    code: typeof code === 'string' && /^[A-Z0-9_]{1,64}$/.test(code) ? code : 'INTERNAL',
  };
}
