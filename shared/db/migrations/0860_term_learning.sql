-- Learning from review outcomes (issue 18): which library entries a detection matched, candidate terms mined
-- from confirmed cases and missed volunteer reports, their curation in Slack, and the volunteers told when a
-- term their report helped find is adopted.

-- The library entry ids ("language|kind|term") in a detection's evidence, kept beside it by PostgreSQL so
-- every writer (single ingest, batches, tests) fills it.
ALTER TABLE detections
  ADD COLUMN entry_ids jsonb GENERATED ALWAYS AS (jsonb_path_query_array(evidence, '$[*].entry')) STORED;
-- Term performance reads the flagged detections of a period: a few percent of all, so a small partial index.
CREATE INDEX detections_flagged_at_idx ON detections (created_at) WHERE verdict <> 'allow';

-- A candidate is proposed once per language and normalised form: dismissed ones are not proposed again.
CREATE TABLE term_candidates (
  id            bigserial PRIMARY KEY,
  run_key       text NOT NULL,                    -- the mining run that found it (one per scheduled week)
  language      text NOT NULL,
  term          text NOT NULL CHECK (length(term) BETWEEN 1 AND 200),
  normalized    text NOT NULL,
  form          text NOT NULL CHECK (form IN ('ngram', 'hashtag')),
  score         double precision NOT NULL,        -- log-likelihood G²
  positives     integer NOT NULL,                 -- confirmed or missed-and-reported listings with it
  missed        integer NOT NULL,                 -- of those, volunteer reports the engine did not flag
  negatives     integer NOT NULL,                 -- rejected or allowed listings with it
  positive_docs integer NOT NULL,
  negative_docs integer NOT NULL,
  examples      jsonb NOT NULL DEFAULT '[]',
  report_ids    bigint[] NOT NULL DEFAULT '{}',   -- volunteer reports of missed listings that hold it
  status        text NOT NULL DEFAULT 'new'
                CHECK (status IN ('new', 'accepted', 'dismissed')),
  slack_channel text,
  slack_ts      text,
  decided_by    text,
  decided_at    timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (language, normalized)
);
CREATE INDEX term_candidates_run_idx ON term_candidates (run_key);

-- Proposals now carry what a curator chose and what a lead decided, and where they came from.
ALTER TABLE keyword_proposals
  ADD COLUMN kind            text,
  ADD COLUMN strength        text CHECK (strength IN ('strong', 'weak')),
  ADD COLUMN candidate_id    bigint REFERENCES term_candidates(id),
  ADD COLUMN decided_by      text,
  ADD COLUMN decided_at      timestamptz,
  ADD COLUMN library_version text,
  ADD COLUMN slack_channel   text,
  ADD COLUMN slack_ts        text;
CREATE UNIQUE INDEX keyword_proposals_candidate_idx ON keyword_proposals (candidate_id)
  WHERE candidate_id IS NOT NULL;

-- "A term your report helped find is now in the library": told once per proposal and report.
CREATE TABLE term_adoption_notices (
  proposal_id bigint NOT NULL REFERENCES keyword_proposals(id),
  report_id   bigint NOT NULL REFERENCES reports(id),
  sent_at     timestamptz,
  PRIMARY KEY (proposal_id, report_id)
);
