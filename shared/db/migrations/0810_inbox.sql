-- What people send that their platform will not deliver again once we acknowledge it (a Slack click or
-- modal submission, a Discord report): stored here before the acknowledgement, processed after it, and
-- processed again after a crash or an outage until it has an outcome. The id is the request id, which is
-- also the Temporal update id, so processing an entry twice applies it once.
CREATE TABLE inbox (
  id              text PRIMARY KEY,
  kind            text NOT NULL,
  payload         jsonb NOT NULL,
  received_at     timestamptz NOT NULL DEFAULT now(),
  attempts        integer NOT NULL DEFAULT 1,
  -- Until then the entry is being processed (a lease) or waits for its next try (a backoff).
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error      text,
  processed_at    timestamptz,
  outcome         jsonb
);
CREATE INDEX inbox_pending_idx ON inbox (next_attempt_at) WHERE processed_at IS NULL;
