-- Candidate terms travel between deployments in signed share bundles (issue 18): a receiver stores them as
-- shared items, and a person's acceptance makes them term candidates here, marked with where they came from.
ALTER TABLE shared_items DROP CONSTRAINT shared_items_type_check;
ALTER TABLE shared_items ADD CONSTRAINT shared_items_type_check
  CHECK (type IN ('keyword-library', 'image-hashes', 'seller-signal', 'photo-signal', 'term-candidate'));

-- NULL: mined here; otherwise "shared by <origin>". Shared candidates carry no examples and no report ids.
ALTER TABLE term_candidates ADD COLUMN origin text CHECK (origin IS NULL OR length(origin) BETWEEN 1 AND 200);
-- The weekly run posts shared candidates not yet on a card.
CREATE INDEX term_candidates_unposted_shared_idx ON term_candidates (created_at)
  WHERE origin IS NOT NULL AND slack_ts IS NULL AND status = 'new';
