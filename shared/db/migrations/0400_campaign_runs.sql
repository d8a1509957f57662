-- Awareness campaigns: revisions and approvals on the campaign, one run per occurrence of its wildlife day,
-- and one delivery row per audience and run (message id or failure).

ALTER TABLE campaigns DROP CONSTRAINT campaigns_status_check;
ALTER TABLE campaigns ADD CONSTRAINT campaigns_status_check CHECK (status IN
  ('draft', 'pending_approval', 'changes_requested', 'approved', 'scheduled', 'sent', 'cancelled'));
ALTER TABLE campaigns
  ADD COLUMN revision          integer NOT NULL DEFAULT 1,
  ADD COLUMN approved_revision integer,
  ADD COLUMN approved_by       text,
  ADD COLUMN approved_at       timestamptz,
  ADD COLUMN report_channel    text;

CREATE TABLE campaign_runs (
  workflow_id      text PRIMARY KEY,
  campaign_id      text NOT NULL REFERENCES campaigns(id),
  occurrence_date  date NOT NULL,
  status           text NOT NULL CHECK (status IN
                     ('running', 'sent', 'partially_sent', 'failed', 'cancelled', 'expired')),
  summary          jsonb,
  started_at       timestamptz NOT NULL DEFAULT now(),
  finished_at      timestamptz,
  UNIQUE (campaign_id, occurrence_date)
);

CREATE TABLE campaign_deliveries (
  id             bigserial PRIMARY KEY,
  workflow_id    text NOT NULL REFERENCES campaign_runs(workflow_id),
  campaign_id    text NOT NULL REFERENCES campaigns(id),
  audience_key   text NOT NULL,
  platform       text NOT NULL CHECK (platform IN ('slack', 'discord', 'telegram')),
  target         text NOT NULL,
  language       text NOT NULL,
  time_zone      text NOT NULL,
  scheduled_for  timestamptz NOT NULL,
  status         text NOT NULL CHECK (status IN ('sent', 'failed', 'missed')),
  message_id     text,
  error          text,
  attempts       integer NOT NULL DEFAULT 1,
  delivered_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workflow_id, audience_key)
);
CREATE INDEX campaign_deliveries_campaign_idx ON campaign_deliveries (campaign_id, delivered_at);
