-- Re-listing by photo: which removed listings a listing's photos were linked to when its case opened
-- (screening's startCase). Recorded as found, so the re-listing metric reads these rows instead of
-- comparing every pair of photo hashes (a Hamming-distance self-join is quadratic over a year of photos).
CREATE TABLE listing_photo_links (
  listing_id          bigint NOT NULL REFERENCES listings(id),
  removed_listing_id  bigint NOT NULL REFERENCES listings(id),
  -- The closest pair of their photos, in bits (PDQ: 0-256; linked only within the match threshold).
  distance            smallint NOT NULL CHECK (distance BETWEEN 0 AND 256),
  linked_at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (listing_id, removed_listing_id),
  CHECK (listing_id <> removed_listing_id)
);
-- metrics_case_facts looks links up from the removed listing.
CREATE INDEX listing_photo_links_removed_idx ON listing_photo_links (removed_listing_id);
