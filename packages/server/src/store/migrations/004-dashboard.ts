/**
 * What the dashboard needs: browser sessions (a session stands for one API key and has its scopes; only a
 * SHA-256 hash of the cookie's secret is stored) and Graph usage-header samples per account over time.
 */
export const sql = `
CREATE TABLE sessions (
  id text PRIMARY KEY,
  secret_hash text NOT NULL,
  api_key_id text NOT NULL REFERENCES api_keys (id),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE graph_usage (
  account_id text NOT NULL,
  at timestamptz NOT NULL,
  max_percent real NOT NULL,
  PRIMARY KEY (account_id, at)
);

CREATE TABLE publish_stage_log (
  key text NOT NULL,
  stage text NOT NULL,
  at bigint NOT NULL,
  PRIMARY KEY (key, stage)
);
`;
