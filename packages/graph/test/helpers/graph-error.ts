/** The one builder of Meta error envelopes in the graph tests. */

/** The `fbtrace_id` every {@link graphError} carries unless told otherwise. */
export const FBTRACE_ID = 'AbCdEf123';

/** Envelope fields as Meta spells them; any other key is passed through as is. */
export interface GraphErrorFields {
  message?: string;
  type?: string;
  error_subcode?: number;
  is_transient?: boolean;
  fbtrace_id?: string;
  error_user_title?: string;
  error_user_msg?: string;
  [field: string]: unknown;
}

/**
 * Meta's error envelope `{ error: { message, type, code, fbtrace_id, … } }` for `code`. Defaults: message
 * `(#code) synthetic error`, type `OAuthException`, fbtrace_id {@link FBTRACE_ID}; `fields` override them.
 */
export function graphError(code: number, fields: GraphErrorFields = {}) {
  return {
    error: {
      message: `(#${code}) synthetic error`,
      type: 'OAuthException',
      code,
      fbtrace_id: FBTRACE_ID,
      ...fields,
    },
  };
}
