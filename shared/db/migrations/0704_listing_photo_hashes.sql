-- Photo linking: the PDQ hashes of every deep-screened listing's photos, so a listing whose photo is a
-- near-duplicate of a removed listing's photo (here, or shared by another deployment) is linked like a
-- shared contact id. Only hashes above PDQ's quality floor are stored (flat images would link everything).
CREATE TABLE listing_photo_hashes (
  listing_id  bigint NOT NULL REFERENCES listings(id),
  pdq         text NOT NULL CHECK (pdq ~ '^[0-9a-f]{64}$'),
  quality     smallint NOT NULL CHECK (quality BETWEEN 0 AND 100),
  -- The hash as bits, stored once: linking XORs it with each photo it checks (casting per row costs ~40%).
  bits        bit(256) NOT NULL GENERATED ALWAYS AS (('x' || pdq)::bit(256)) STORED,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (listing_id, pdq)
);

-- Signed bundles carry photo hashes of removed listings beside the seller signals.
ALTER TABLE shared_items DROP CONSTRAINT shared_items_type_check;
ALTER TABLE shared_items ADD CONSTRAINT shared_items_type_check
  CHECK (type IN ('keyword-library', 'image-hashes', 'seller-signal', 'photo-signal'));
ALTER TABLE shared_items ADD COLUMN photo_bits bit(256)
  GENERATED ALWAYS AS (CASE WHEN type = 'photo-signal' THEN ('x' || hash)::bit(256) END) STORED;
CREATE INDEX shared_items_photo_idx ON shared_items (expires_at) WHERE type = 'photo-signal' AND status = 'accepted';
