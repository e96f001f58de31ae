/**
 * The webhook and messaging pipeline: the durable webhook inbox (one row per event, deduplicated), conversations
 * (window state, opt-out, consent, the per-recipient send lease), messages (text sealed by the vault), the
 * cross-process send-rate state, and data-deletion requests.
 */
export const sql = `
CREATE TABLE webhook_inbox (
  id bigserial PRIMARY KEY,
  dedupe_key text NOT NULL UNIQUE,
  object text NOT NULL,
  account_id text NOT NULL,
  field text NOT NULL,
  kind text NOT NULL,
  source text NOT NULL,
  test_payload boolean NOT NULL DEFAULT false,
  sender_id text,
  recipient_id text,
  event_at timestamptz,
  received_at timestamptz NOT NULL,
  payload_ciphertext text,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'processed', 'dead')),
  processed_at timestamptz,
  attempts integer NOT NULL DEFAULT 0,
  last_error_code text
);
CREATE INDEX webhook_inbox_status ON webhook_inbox (status, id);
CREATE INDEX webhook_inbox_kind ON webhook_inbox (kind);
CREATE INDEX webhook_inbox_sender ON webhook_inbox (sender_id);

CREATE TABLE conversations (
  account_id text NOT NULL,
  user_id text NOT NULL,
  last_inbound_at timestamptz,
  last_outbound_at timestamptz,
  last_read_at timestamptz,
  last_read_mid text,
  last_reaction jsonb,
  opted_out boolean NOT NULL DEFAULT false,
  opted_out_at timestamptz,
  consent_at timestamptz,
  send_lease_owner text,
  send_lease_expires_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, user_id)
);

CREATE TABLE messages (
  id uuid PRIMARY KEY,
  account_id text NOT NULL,
  user_id text NOT NULL,
  direction text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  mid text,
  status text NOT NULL CHECK (status IN ('received', 'queued', 'sending', 'sent', 'unknown', 'review', 'not_sent', 'refused', 'failed')),
  text_ciphertext text,
  text_hmac text,
  byte_length integer NOT NULL DEFAULT 0,
  attachment_count integer NOT NULL DEFAULT 0,
  human_agent boolean NOT NULL DEFAULT false,
  tag text,
  error_code text,
  correlation_id text,
  dedupe_key text,
  actor text,
  created_at timestamptz NOT NULL,
  sent_at timestamptz,
  settled_at timestamptz,
  purged_at timestamptz
);
CREATE UNIQUE INDEX messages_mid ON messages (mid) WHERE mid IS NOT NULL;
CREATE UNIQUE INDEX messages_dedupe ON messages (account_id, dedupe_key) WHERE dedupe_key IS NOT NULL;
CREATE INDEX messages_conversation ON messages (account_id, user_id, created_at, id);
CREATE INDEX messages_status ON messages (status, created_at);

-- GCRA per (account, send class): theoretical arrival time in ms; pauses from Meta's rate-limit answers.
CREATE TABLE send_rate_state (
  account_id text NOT NULL,
  send_class text NOT NULL,
  tat_ms bigint NOT NULL DEFAULT 0,
  paused_until_ms bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (account_id, send_class)
);

CREATE TABLE data_deletion_requests (
  confirmation_code text PRIMARY KEY,
  user_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('deauthorize', 'data_deletion')),
  requested_at timestamptz NOT NULL,
  completed_at timestamptz,
  erased_messages integer NOT NULL DEFAULT 0
);
`;
