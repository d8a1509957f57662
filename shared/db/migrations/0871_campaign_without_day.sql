-- A campaign posted on a date (or now) may be for no wildlife day at all.
ALTER TABLE campaigns ALTER COLUMN day_id DROP NOT NULL;
