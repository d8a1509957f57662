-- The volunteer journey (Cyber Spotters on Telegram and Discord): link recognition, report photos,
-- outcome notifications, conversation state, rate limits and quiz answers.

-- Which platform a reported link belongs to. The optional pattern's first capture group is the listing's
-- external id in the URL path (e.g. '^/items/([^/?#]+)'); without it the normalised URL is the id.
CREATE TABLE platform_domains (
  domain              text PRIMARY KEY CHECK (domain = lower(domain) AND domain ~ '^[a-z0-9.-]+$'),
  platform_id         text NOT NULL REFERENCES platforms(id),
  external_id_pattern text
);

ALTER TABLE reports
  ADD COLUMN notified_at timestamptz,             -- set once the reporter was told the outcome
  ADD COLUMN external_id text,                    -- the listing's id on the platform
  ADD COLUMN priority_raised boolean NOT NULL DEFAULT false;
-- One report per volunteer and case: a second report of the same link is answered, not stored twice.
CREATE UNIQUE INDEX reports_volunteer_case_idx ON reports (volunteer_id, case_id) WHERE case_id IS NOT NULL;
CREATE INDEX reports_volunteer_idx ON reports (volunteer_id);

-- Photos sent with a report. Rows without a report_id belong to the volunteer's report in progress.
CREATE TABLE report_photos (
  id            bigserial PRIMARY KEY,
  volunteer_id  bigint NOT NULL REFERENCES volunteers(id),
  report_id     bigint REFERENCES reports(id),
  source_id     text NOT NULL,                    -- the platform's file id (Telegram file_unique_id)
  mime_type     text NOT NULL,
  size_bytes    integer NOT NULL CHECK (size_bytes > 0),
  sha256        text NOT NULL,
  bytes         bytea NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX report_photos_report_idx ON report_photos (report_id);
CREATE INDEX report_photos_draft_idx ON report_photos (volunteer_id) WHERE report_id IS NULL;

-- Where a volunteer is in a guided conversation (the Telegram /report dialog, a quiz), so a restart of
-- the bot does not lose it.
CREATE TABLE volunteer_conversations (
  volunteer_id  bigint PRIMARY KEY REFERENCES volunteers(id),
  state         jsonb NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Token buckets for per-user rate limits, shared by every bot process.
CREATE TABLE rate_limit_buckets (
  key           text PRIMARY KEY,
  tokens        double precision NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE TABLE quiz_answers (
  id            bigserial PRIMARY KEY,
  volunteer_id  bigint NOT NULL REFERENCES volunteers(id),
  question_id   text NOT NULL,
  choice        integer NOT NULL,
  correct       boolean NOT NULL,
  answered_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX quiz_answers_volunteer_idx ON quiz_answers (volunteer_id);
