/** The service core: accounts, posts (+ media items, state history), publish checkpoints, insights, audit, dead letters. */
export const sql = `
CREATE TABLE accounts (
  id text PRIMARY KEY,
  username text,
  login_type text NOT NULL CHECK (login_type IN ('instagram', 'facebook')),
  page_id text,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'reauth_required', 'disabled')),
  status_reason text,
  token_ciphertext text NOT NULL,
  token_key_id text NOT NULL,
  token_expires_at timestamptz,
  token_refreshed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE posts (
  id uuid PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts (id),
  kind text NOT NULL CHECK (kind IN ('feed', 'carousel', 'reel', 'story')),
  caption text,
  hashtags jsonb NOT NULL DEFAULT '[]',
  cover_url text,
  story_media text CHECK (story_media IN ('image', 'video')),
  publish_at timestamptz NOT NULL,
  next_attempt_at timestamptz,
  state text NOT NULL CHECK (state IN ('scheduled', 'publishing', 'published', 'failed', 'needs_attention', 'cancelled')),
  idempotency_key text,
  attempts integer NOT NULL DEFAULT 0,
  last_error jsonb,
  ig_media_id text,
  permalink text,
  published_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, idempotency_key)
);
CREATE INDEX posts_account_state ON posts (account_id, state, publish_at);
CREATE INDEX posts_state_publish_at ON posts (state, publish_at);

CREATE TABLE post_media (
  post_id uuid NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  position integer NOT NULL,
  url text NOT NULL,
  kind text CHECK (kind IN ('image', 'video')),
  alt_text text,
  PRIMARY KEY (post_id, position)
);

CREATE TABLE post_events (
  id bigserial PRIMARY KEY,
  post_id uuid NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  at timestamptz NOT NULL,
  from_state text,
  to_state text NOT NULL,
  reason text NOT NULL,
  details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX post_events_post ON post_events (post_id, id);

CREATE TABLE publish_checkpoints (
  key text PRIMARY KEY,
  stage text NOT NULL,
  data jsonb NOT NULL DEFAULT '{}',
  version integer NOT NULL,
  lease_owner text,
  lease_expires_at bigint,
  updated_at bigint NOT NULL
);

CREATE TABLE post_insights (
  id bigserial PRIMARY KEY,
  post_id uuid NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  fetched_at timestamptz NOT NULL,
  metrics jsonb NOT NULL
);
CREATE INDEX post_insights_post ON post_insights (post_id, fetched_at);

CREATE TABLE job_failures (
  id bigserial PRIMARY KEY,
  queue text NOT NULL,
  job_id text NOT NULL,
  at timestamptz NOT NULL,
  category text NOT NULL,
  code text NOT NULL
);
CREATE INDEX job_failures_job ON job_failures (job_id);

CREATE TABLE dead_letters (
  id bigserial PRIMARY KEY,
  queue text NOT NULL,
  job_id text NOT NULL,
  error_category text NOT NULL,
  error_code text NOT NULL,
  attempts integer NOT NULL,
  first_failed_at timestamptz NOT NULL,
  last_failed_at timestamptz NOT NULL,
  payload_ref jsonb NOT NULL DEFAULT '{}',
  payload_ciphertext text,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'replayed', 'discarded')),
  created_at timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz
);
CREATE INDEX dead_letters_status ON dead_letters (status, queue, id);
CREATE UNIQUE INDEX dead_letters_job ON dead_letters (queue, job_id);

CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  action text NOT NULL,
  resource_type text NOT NULL,
  resource_id text,
  correlation_id text,
  outcome text NOT NULL,
  graph_code integer,
  graph_subcode integer,
  fbtrace_id text,
  metadata jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_resource ON audit_log (resource_type, resource_id);
CREATE INDEX audit_log_correlation ON audit_log (correlation_id);

-- Append-only: UPDATE and DELETE are refused, except a DELETE inside audit_purge() (the retention path).
CREATE FUNCTION audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('igkit.audit_purge', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_guard();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_guard();

-- Retention: deletes rows older than \`before\` and records the purge itself as an audit row.
CREATE FUNCTION audit_purge(before timestamptz, purged_by text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  PERFORM set_config('igkit.audit_purge', 'on', true);
  DELETE FROM audit_log WHERE at < before;
  GET DIAGNOSTICS n = ROW_COUNT;
  PERFORM set_config('igkit.audit_purge', 'off', true);
  INSERT INTO audit_log (actor, action, resource_type, outcome, metadata)
    VALUES (purged_by, 'audit.purge', 'audit_log', 'ok', jsonb_build_object('before', before, 'rows', n));
  RETURN n;
END $$;
`;
