/**
 * Meta's error envelope. Handlers `throw graphError({...})`; the pipeline turns it into
 * `{ error: { message, type, code, error_subcode?, is_transient, error_user_title?, error_user_msg?, fbtrace_id } }`.
 * Source: https://developers.facebook.com/docs/graph-api/guides/error-handling
 */

/** What a handler states about an error; defaults: status 400, type `OAuthException`, not transient. */
export interface GraphErrorSpec {
  code: number;
  message: string;
  subcode?: number;
  /** HTTP status; default 400 (Meta's practice for most Graph errors, incl. throttling). */
  status?: number;
  /** Default `OAuthException`. */
  type?: string;
  isTransient?: boolean;
  userTitle?: string;
  userMessage?: string;
  /** Extra fields merged into the `error` object (e.g. `error_data`). */
  extra?: Record<string, unknown>;
  /** Extra response headers. */
  headers?: Record<string, string>;
}

/** A Graph API error to be rendered in Meta's envelope. */
export class GraphError extends Error {
  override readonly name = 'GraphError' as const;
  readonly spec: GraphErrorSpec;

  constructor(spec: GraphErrorSpec) {
    super(spec.message);
    this.spec = spec;
  }

  /** HTTP status of the response. */
  get status(): number {
    return this.spec.status ?? 400;
  }

  /** The body `{ error: {...} }` with the given trace id. */
  toBody(fbtraceId: string): { error: Record<string, unknown> } {
    const s = this.spec;
    const error: Record<string, unknown> = {
      message: s.message,
      type: s.type ?? 'OAuthException',
      code: s.code,
    };
    if (s.subcode !== undefined) error['error_subcode'] = s.subcode;
    error['is_transient'] = s.isTransient ?? false;
    if (s.userTitle !== undefined) error['error_user_title'] = s.userTitle;
    if (s.userMessage !== undefined) error['error_user_msg'] = s.userMessage;
    Object.assign(error, s.extra);
    error['fbtrace_id'] = fbtraceId;
    return { error };
  }
}

/** Creates a `GraphError` (throw it from a handler). */
export function graphError(spec: GraphErrorSpec): GraphError {
  return new GraphError(spec);
}

/** Meta's "object does not exist / no permission / unsupported" error (code 100, subcode 33). */
export function unsupportedRequest(method: string, id: string): GraphError {
  return graphError({
    code: 100,
    subcode: 33,
    type: 'GraphMethodException',
    message: `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
  });
}

/** Code 100 invalid parameter. */
export function invalidParameter(
  message: string,
  subcode?: number,
  extra?: Partial<GraphErrorSpec>,
): GraphError {
  return graphError({
    code: 100,
    message: `(#100) ${message}`,
    ...(subcode === undefined ? {} : { subcode }),
    ...extra,
  });
}

/** A control-plane error (plain `{ error: { message } }`, not Meta's envelope). */
export class ControlError extends Error {
  override readonly name = 'ControlError' as const;
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}
