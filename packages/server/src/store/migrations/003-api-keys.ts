/** API keys (stored as SHA-256 hashes of high-entropy secrets, never the key) and an index for metrics by action. */
export const sql = `
CREATE TABLE api_keys (
  id text PRIMARY KEY,
  name text NOT NULL,
  scopes jsonb NOT NULL,
  key_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);

CREATE INDEX audit_log_action ON audit_log (action, outcome);
`;
