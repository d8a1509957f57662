-- Photo linking finds mirrored and rotated re-posts: beside each photo's hash, the hashes of its seven
-- rotations and mirror images (PDQ computes all eight from one transform). Linking compares a listing's
-- eight hashes per photo with the removed listings' photos as posted. Rows stored before this have none.
ALTER TABLE listing_photo_hashes ADD COLUMN variants text[] NOT NULL DEFAULT '{}'
  CHECK (cardinality(variants) <= 7);
