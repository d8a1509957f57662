-- One weekly digest per period and channel: a retried activity finds the message it already posted.
CREATE TABLE digest_posts (
  period_from  timestamptz NOT NULL,
  period_to    timestamptz NOT NULL,
  channel      text NOT NULL,
  message_ts   text,
  file_id      text,
  summary      jsonb NOT NULL DEFAULT '{}',
  posted_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (period_from, period_to, channel)
);
