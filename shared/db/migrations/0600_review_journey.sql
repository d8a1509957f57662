-- The reviewer journey: richer case states, claims and SLA deadlines, an idempotency ledger for review
-- events, notes and code-word proposals for the keyword library, takedown confirmations and appeals.

ALTER TABLE cases DROP CONSTRAINT cases_status_check;
ALTER TABLE cases ADD CONSTRAINT cases_status_check CHECK (status IN (
  'open', 'escalated', 'pending_second_approval', 'approved', 'rejected', 'taken_down', 'takedown_failed',
  'restored'));
ALTER TABLE cases
  ADD COLUMN claimed_by   text,
  ADD COLUMN claimed_at   timestamptz,
  ADD COLUMN due_at       timestamptz,
  ADD COLUMN escalated_at timestamptz;
CREATE INDEX cases_queue_idx ON cases (priority, opened_at) WHERE status IN ('open', 'escalated', 'pending_second_approval');

-- A review event (decision, claim, escalation, undo, appeal decision) is applied once per key however
-- often the activity that records it is retried.
CREATE TABLE case_events (
  key         text PRIMARY KEY,
  case_id     text NOT NULL REFERENCES cases(id),
  kind        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_events_case_idx ON case_events (case_id);

ALTER TABLE reviews ADD COLUMN reason_code text;

CREATE TABLE case_notes (
  id          bigserial PRIMARY KEY,
  case_id     text NOT NULL REFERENCES cases(id),
  author      text NOT NULL,
  note        text NOT NULL,
  request_id  text NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_notes_case_idx ON case_notes (case_id);

-- New code words proposed by reviewers; the keyword library's owners review and publish them.
CREATE TABLE keyword_proposals (
  id          bigserial PRIMARY KEY,
  term        text NOT NULL CHECK (length(term) BETWEEN 1 AND 200),
  language    text,
  species     text,
  note        text,
  case_id     text REFERENCES cases(id),
  proposed_by text NOT NULL,
  source      text NOT NULL DEFAULT 'slack',
  status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
  request_id  text NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX keyword_proposals_status_idx ON keyword_proposals (status, created_at);

-- The platform confirms a takedown it performed through the callback endpoint.
ALTER TABLE takedowns
  ADD COLUMN confirmed_at  timestamptz,
  ADD COLUMN confirmation  jsonb;

-- Sellers appeal a takedown through their platform; a reviewer who did not approve it decides.
CREATE TABLE appeals (
  id           bigserial PRIMARY KEY,
  case_id      text NOT NULL REFERENCES cases(id),
  platform_appeal_id text NOT NULL,
  seller_id    text,
  statement    text NOT NULL,
  status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'restored', 'upheld', 'refused')),
  decided_by   text,
  decision_reason text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  decided_at   timestamptz,
  UNIQUE (case_id, platform_appeal_id)
);
