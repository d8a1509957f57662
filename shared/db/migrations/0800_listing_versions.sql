-- Listings are versioned and their evidence is immutable. A platform that sends the same external id
-- again with different content gets a new version; every version is kept as received, and a case keeps
-- the version it was flagged on. The listings row stays "the listing as it stands now" for the readers
-- that want that (metrics, linking, report matching).
--
-- The database takes the snapshot itself, so no code path (today's upsert, a seed script, tomorrow's
-- import) can overwrite a listing without keeping what it replaced.

ALTER TABLE listings ADD COLUMN current_version integer NOT NULL DEFAULT 1;

CREATE TABLE listing_versions (
  listing_id   bigint NOT NULL REFERENCES listings(id),
  version      integer NOT NULL CHECK (version >= 1),
  url          text,
  title        text NOT NULL,
  description  text NOT NULL,
  price        numeric,
  currency     text,
  language     text,
  seller_id    text,
  image_urls   jsonb NOT NULL,
  raw          jsonb NOT NULL,                   -- this version exactly as received
  received_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (listing_id, version)
);

-- Backfill: each existing row becomes version 1, received when it was last written (its content dates
-- from then; what it replaced, if anything, is already gone).
INSERT INTO listing_versions (listing_id, version, url, title, description, price, currency, language,
                              seller_id, image_urls, raw, received_at)
SELECT id, 1, url, title, description, price, currency, language, seller_id, image_urls, raw, updated_at
FROM listings;

CREATE FUNCTION listing_versions_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'listing_versions is append-only: % is not allowed', TG_OP;
END $$;
CREATE TRIGGER listing_versions_no_update BEFORE UPDATE OR DELETE ON listing_versions
  FOR EACH ROW EXECUTE FUNCTION listing_versions_reject_change();
CREATE TRIGGER listing_versions_no_truncate BEFORE TRUNCATE ON listing_versions
  FOR EACH STATEMENT EXECUTE FUNCTION listing_versions_reject_change();

-- The version number is the database's to assign: 1 on insert, +1 whenever the content (raw) changes.
-- Writing the same content again keeps the version (resubmitting is idempotent).
CREATE FUNCTION listings_number_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW.current_version := 1;
  ELSIF NEW.raw IS DISTINCT FROM OLD.raw THEN
    NEW.current_version := OLD.current_version + 1;
  ELSE
    NEW.current_version := OLD.current_version;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER listings_number_version BEFORE INSERT OR UPDATE ON listings
  FOR EACH ROW EXECUTE FUNCTION listings_number_version();

CREATE FUNCTION listings_snapshot_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' OR NEW.current_version <> OLD.current_version THEN
    INSERT INTO listing_versions (listing_id, version, url, title, description, price, currency, language,
                                  seller_id, image_urls, raw)
    VALUES (NEW.id, NEW.current_version, NEW.url, NEW.title, NEW.description, NEW.price, NEW.currency,
            NEW.language, NEW.seller_id, NEW.image_urls, NEW.raw);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER listings_snapshot_version AFTER INSERT OR UPDATE ON listings
  FOR EACH ROW EXECUTE FUNCTION listings_snapshot_version();

-- Which version each detector looked at. Left out, it is the listing's version at the time of the insert.
ALTER TABLE detections ADD COLUMN listing_version integer;
UPDATE detections SET listing_version = 1;
ALTER TABLE detections ALTER COLUMN listing_version SET NOT NULL;
CREATE FUNCTION detections_listing_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.listing_version IS NULL THEN
    SELECT current_version INTO NEW.listing_version FROM listings WHERE id = NEW.listing_id;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER detections_listing_version BEFORE INSERT ON detections
  FOR EACH ROW EXECUTE FUNCTION detections_listing_version();

-- The version a case was flagged on: its decision basis, whatever the seller sends afterwards.
ALTER TABLE cases ADD COLUMN listing_version integer NOT NULL DEFAULT 1;
