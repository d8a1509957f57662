-- Video entries in the hash banks (issue 21): a bank item is either a photo's PDQ hash or a video's vPDQ,
-- stored as python-threatexchange's signal (a JSON array of "hash,quality,timestamp", one per hashed
-- frame). Same table, so the change log, audit, enable/disable and bank settings apply to both.
ALTER TABLE image_hash_items
  ALTER COLUMN pdq DROP NOT NULL,
  ADD COLUMN vpdq jsonb CHECK (vpdq IS NULL OR (jsonb_typeof(vpdq) = 'array' AND jsonb_array_length(vpdq) > 0)),
  ADD CONSTRAINT image_hash_items_one_signal CHECK ((pdq IS NULL) <> (vpdq IS NULL));
-- A video is in a bank once (UNIQUE (bank_id, pdq) ignores the null pdq of video rows).
CREATE UNIQUE INDEX image_hash_items_bank_vpdq_key ON image_hash_items (bank_id, md5(vpdq::text))
  WHERE vpdq IS NOT NULL;
