-- Telegram and Discord destinations registered once by name, then picked in the /campaign modal.
CREATE TABLE campaign_destinations (
  name        text PRIMARY KEY,
  platform    text NOT NULL CHECK (platform IN ('slack', 'discord', 'telegram')),
  target      text NOT NULL,
  time_zone   text NOT NULL,
  language    text NOT NULL,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (platform, target)
);
