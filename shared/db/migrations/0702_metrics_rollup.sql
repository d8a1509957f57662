-- Listings screened per UTC day, platform, language and species (species '' = every listing), rebuilt from
-- the listings and their detections by refreshScreenedRollup. Days at or after complete_before are always
-- counted from the listings themselves, so the metrics stay exact between refreshes.
CREATE TABLE metrics_screened_daily (
  day          date NOT NULL,
  platform_id  text NOT NULL,
  language     text NOT NULL,
  species      text NOT NULL,
  screened     bigint NOT NULL,
  PRIMARY KEY (day, platform_id, language, species)
);
CREATE INDEX metrics_screened_daily_species_idx ON metrics_screened_daily (species, day);

CREATE TABLE metrics_rollup_state (
  name             text PRIMARY KEY,
  complete_before  date NOT NULL,
  refreshed_at     timestamptz NOT NULL DEFAULT now()
);
