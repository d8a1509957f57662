-- Image hash banks (PDQ): named banks with their own match threshold and quality floor, negative banks
-- that suppress matches, per-item disable and species/product metadata. A change log written by
-- triggers lets every worker update its in-memory index incrementally (no full reloads, no storms).

CREATE TABLE image_hash_banks (
  id              serial PRIMARY KEY,
  name            text NOT NULL UNIQUE CHECK (name ~ '^[A-Z0-9_]{1,100}$'),  -- HMA's bank-name rule
  description     text NOT NULL DEFAULT '',
  kind            text NOT NULL DEFAULT 'positive' CHECK (kind IN ('positive', 'negative')),
  match_threshold smallint NOT NULL DEFAULT 31 CHECK (match_threshold BETWEEN 0 AND 63),
  quality_floor   smallint NOT NULL DEFAULT 50 CHECK (quality_floor BETWEEN 0 AND 100),
  enabled         boolean NOT NULL DEFAULT true,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE image_hash_items (
  id              bigserial PRIMARY KEY,
  bank_id         integer NOT NULL REFERENCES image_hash_banks(id) ON DELETE CASCADE,
  pdq             text NOT NULL CHECK (pdq ~ '^[0-9a-f]{64}$'),
  quality         smallint CHECK (quality BETWEEN 0 AND 100),   -- null when imported as a bare hash
  species         text,
  product         text,
  note            text,
  metadata        jsonb NOT NULL DEFAULT '{}',                  -- e.g. HMA content_id / content_uri
  source          text NOT NULL DEFAULT 'local',                -- local, pytx-file, hma, pdq-csv
  enabled         boolean NOT NULL DEFAULT true,
  disabled_reason text,
  added_by        text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (bank_id, pdq)
);
CREATE INDEX image_hash_items_bank_idx ON image_hash_items (bank_id, id);

-- One row per change; readers take the rows of transactions that finished between two snapshots
-- (by xid, not by seq, so a slow transaction's rows are never skipped).
CREATE TABLE image_hash_changes (
  seq      bigserial PRIMARY KEY,
  xid      xid8 NOT NULL DEFAULT pg_current_xact_id(),
  item_id  bigint,
  bank_id  integer,
  at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX image_hash_changes_xid_idx ON image_hash_changes (xid);

CREATE FUNCTION image_hash_item_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO image_hash_changes (item_id) VALUES (coalesce(NEW.id, OLD.id));
  RETURN NULL;
END $$;

CREATE FUNCTION image_hash_bank_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO image_hash_changes (bank_id) VALUES (coalesce(NEW.id, OLD.id));
  RETURN NULL;
END $$;

CREATE TRIGGER image_hash_items_log AFTER INSERT OR UPDATE OR DELETE ON image_hash_items
  FOR EACH ROW EXECUTE FUNCTION image_hash_item_changed();
CREATE TRIGGER image_hash_banks_log AFTER INSERT OR UPDATE OR DELETE ON image_hash_banks
  FOR EACH ROW EXECUTE FUNCTION image_hash_bank_changed();
