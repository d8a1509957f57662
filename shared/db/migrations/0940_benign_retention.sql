-- How long a platform's allowed listings are kept in full (days since the platform last sent them); NULL,
-- the default, keeps them. When the period has passed, the nightly retention run (shared/db/retention.ts)
-- counts each such listing in screened_counts, as counts-only storage would have, and deletes its rows:
-- listing, versions, detections, contact and photo hashes. A listing with a case, a flagged detection, a
-- statement of reasons, a photo link or a volunteer report is never purged.
ALTER TABLE platforms ADD COLUMN benign_retention_days integer
  CHECK (benign_retention_days BETWEEN 1 AND 36500);

-- listing_versions stays append-only for every path but that run, which says so for its own transaction
-- (SET LOCAL wild_sentinel.retention_purge = 'on'). Updates and truncation are refused as before.
CREATE OR REPLACE FUNCTION listing_versions_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('wild_sentinel.retention_purge', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'listing_versions is append-only: % is not allowed', TG_OP;
END $$;

-- The retention run looks listings up by platform and age.
CREATE INDEX listings_platform_updated_idx ON listings (platform_id, updated_at);
