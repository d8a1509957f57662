-- When a campaign posts (on its day or N days before, once or yearly; a fixed date; as soon as approved),
-- which occurrence an approval covers (a yearly campaign is approved again each year), and skipped years.

-- Campaigns created before this choice existed were approved as "every year": keep that meaning for them.
ALTER TABLE campaigns ADD COLUMN post_when jsonb NOT NULL
  DEFAULT '{"kind": "day", "repeat": "yearly", "daysBefore": 0}';
ALTER TABLE campaigns ALTER COLUMN post_when SET DEFAULT '{"kind": "day", "repeat": "once", "daysBefore": 0}';
ALTER TABLE campaigns ADD COLUMN approved_occurrence date;

CREATE TABLE campaign_skips (
  campaign_id      text NOT NULL REFERENCES campaigns(id),
  occurrence_date  date NOT NULL,
  skipped_by       text NOT NULL,
  skipped_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, occurrence_date)
);
