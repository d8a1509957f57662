-- Core tables of Wild Sentinel. Later features add their own numbered migrations.

CREATE TABLE platforms (
  id            text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name          text NOT NULL,
  api_key_hash  text NOT NULL UNIQUE,             -- sha256 hex of the platform's API key
  takedown_url  text,                             -- webhook that removes listings on the platform
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE listings (
  id            bigserial PRIMARY KEY,
  platform_id   text NOT NULL REFERENCES platforms(id),
  external_id   text NOT NULL,
  url           text,
  title         text NOT NULL,
  description   text NOT NULL DEFAULT '',
  price         numeric,
  currency      text,
  language      text,
  seller_id     text,
  image_urls    jsonb NOT NULL DEFAULT '[]',
  raw           jsonb NOT NULL,                   -- the listing exactly as received
  received_at   timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (platform_id, external_id)
);

CREATE TABLE detections (
  id            bigserial PRIMARY KEY,
  listing_id    bigint NOT NULL REFERENCES listings(id),
  detector      text NOT NULL,
  verdict       text NOT NULL CHECK (verdict IN ('allow', 'review', 'block')),
  score         real NOT NULL,
  clause        text,
  explanation   text,
  evidence      jsonb NOT NULL DEFAULT '[]',
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX detections_listing_idx ON detections (listing_id);

CREATE TABLE cases (
  id            text PRIMARY KEY,                 -- also the Temporal workflow id
  listing_id    bigint NOT NULL UNIQUE REFERENCES listings(id),
  status        text NOT NULL CHECK (status IN ('open', 'approved', 'rejected', 'taken_down', 'takedown_failed', 'escalated', 'restored')),
  priority      smallint NOT NULL DEFAULT 2,
  verdict       text NOT NULL CHECK (verdict IN ('allow', 'review', 'block')),
  opened_at     timestamptz NOT NULL DEFAULT now(),
  decided_at    timestamptz,
  closed_at     timestamptz,
  slack_channel text,
  slack_ts      text
);
CREATE INDEX cases_status_idx ON cases (status, priority, opened_at);

CREATE TABLE reviews (
  id            bigserial PRIMARY KEY,
  case_id       text NOT NULL REFERENCES cases(id),
  reviewer      text NOT NULL,
  decision      text NOT NULL,
  action        text,
  reason        text,
  note          text,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reviews_case_idx ON reviews (case_id);

CREATE TABLE takedowns (
  id                 bigserial PRIMARY KEY,
  case_id            text NOT NULL REFERENCES cases(id),
  action             text NOT NULL,
  idempotency_key    text NOT NULL UNIQUE,
  status             text NOT NULL CHECK (status IN ('requested', 'done', 'failed')),
  platform_reference text,
  error              text,
  requested_at       timestamptz NOT NULL DEFAULT now(),
  completed_at       timestamptz,
  UNIQUE (case_id, action)
);

CREATE TABLE volunteers (
  id               bigserial PRIMARY KEY,
  channel          text NOT NULL CHECK (channel IN ('telegram', 'discord')),
  external_user_id text NOT NULL,                 -- pseudonymised when the volunteer asks to be forgotten
  display_name     text,
  language         text NOT NULL DEFAULT 'en',
  consented_at     timestamptz,
  erased_at        timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (channel, external_user_id)
);

CREATE TABLE reports (
  id            bigserial PRIMARY KEY,
  volunteer_id  bigint NOT NULL REFERENCES volunteers(id),
  case_id       text REFERENCES cases(id),
  platform_id   text REFERENCES platforms(id),
  listing_url   text NOT NULL,
  species       text,
  note          text,
  outcome       text CHECK (outcome IN ('confirmed', 'rejected', 'more_info')),
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reports_case_idx ON reports (case_id);

CREATE TABLE keyword_library_versions (
  version       text PRIMARY KEY,
  published_at  timestamptz NOT NULL DEFAULT now(),
  published_by  text NOT NULL,
  changelog     text NOT NULL DEFAULT '',
  entry_count   integer NOT NULL,
  checksum      text NOT NULL,
  library       jsonb NOT NULL
);

CREATE TABLE campaigns (
  id            text PRIMARY KEY,
  day_id        text NOT NULL,
  name          text NOT NULL,
  status        text NOT NULL CHECK (status IN ('draft', 'pending_approval', 'approved', 'scheduled', 'sent', 'cancelled')),
  audiences     jsonb NOT NULL DEFAULT '[]',
  variants      jsonb NOT NULL DEFAULT '{}',
  send_time     text,
  approvers     jsonb NOT NULL DEFAULT '[]',
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- The audit log: append-only and hash-chained by the database itself, so no code path can rewrite history.
CREATE TABLE audit_log (
  seq           bigint PRIMARY KEY,
  at            timestamptz NOT NULL,
  actor         text NOT NULL,
  action        text NOT NULL,
  subject_type  text NOT NULL,
  subject_id    text NOT NULL,
  details       jsonb NOT NULL DEFAULT '{}',
  prev_hash     text NOT NULL,
  hash          text NOT NULL
);
CREATE INDEX audit_log_subject_idx ON audit_log (subject_type, subject_id);

CREATE FUNCTION audit_log_hash(prev text, at timestamptz, actor text, action text, subject_type text,
                               subject_id text, details jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to(concat_ws('|', prev,
    to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    actor, action, subject_type, subject_id, details::text), 'UTF8')), 'hex')
$$;

CREATE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  last_seq bigint;
  last_hash text;
BEGIN
  -- Serialise writers so each row links to the row committed before it.
  PERFORM pg_advisory_xact_lock(74280001);
  SELECT seq, hash INTO last_seq, last_hash FROM audit_log ORDER BY seq DESC LIMIT 1;
  NEW.seq := coalesce(last_seq, 0) + 1;
  NEW.prev_hash := coalesce(last_hash, repeat('0', 64));
  NEW.at := date_trunc('microseconds', clock_timestamp());
  NEW.hash := audit_log_hash(NEW.prev_hash, NEW.at, NEW.actor, NEW.action, NEW.subject_type, NEW.subject_id, NEW.details);
  RETURN NEW;
END $$;

CREATE FUNCTION audit_log_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP;
END $$;

CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_chain();
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_reject_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_reject_change();
