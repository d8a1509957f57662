-- Policy versions: a change is proposed by one person and approved by another; one version is active.
CREATE TABLE policy_versions (
  version      text PRIMARY KEY,
  policy       jsonb NOT NULL,
  checksum     text NOT NULL,                    -- sha256 hex of the policy JSON as proposed
  status       text NOT NULL CHECK (status IN ('proposed', 'active', 'superseded', 'rejected')),
  change_note  text NOT NULL DEFAULT '',
  proposed_by  text NOT NULL,
  proposed_at  timestamptz NOT NULL DEFAULT now(),
  reviewed_by  text,
  reviewed_at  timestamptz,
  CHECK (reviewed_by IS NULL OR reviewed_by <> proposed_by),
  CHECK ((status = 'proposed') = (reviewed_by IS NULL))
);
CREATE UNIQUE INDEX policy_versions_one_active ON policy_versions ((true)) WHERE status = 'active';

-- Statements of reasons kept for export or submission to the DSA Transparency Database.
CREATE TABLE statements_of_reasons (
  puid          text PRIMARY KEY,
  platform_id   text NOT NULL,
  listing_id    bigint REFERENCES listings(id),
  policy_version text NOT NULL,
  statement     jsonb NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  submitted_at  timestamptz,
  submission_ref text
);
CREATE INDEX statements_of_reasons_unsubmitted_idx ON statements_of_reasons (created_at) WHERE submitted_at IS NULL;
