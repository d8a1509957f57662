-- Sharing as a live, two-way exchange between trusted deployments.
-- A peer this deployment fetches from has the base URL of its API; the cursor of what was fetched moves in
-- the transaction that applies the fetched bundle, so a crash between fetch and apply fetches again and
-- applies once. The push cursor says which of our feedback items the peer already received.
ALTER TABLE share_peers
  ADD COLUMN url          text CHECK (url ~ '^https?://'),
  ADD COLUMN fetch_cursor bigint NOT NULL DEFAULT 0,
  ADD COLUMN push_cursor  bigint NOT NULL DEFAULT 0,
  ADD COLUMN fetched_at   timestamptz,
  ADD COLUMN fetch_error  text;

-- A withdrawal from the origin (its takedown undone, its bank item removed) ends an item's use here.
ALTER TABLE shared_items DROP CONSTRAINT shared_items_status_check;
ALTER TABLE shared_items ADD CONSTRAINT shared_items_status_check
  CHECK (status IN ('accepted', 'rejected', 'quarantined', 'withdrawn'));

-- What this deployment offers its peers, one row per item. seq moves on every change (new, changed,
-- withdrawn), so a peer asks for what changed since the last seq it applied. Rows are only written under
-- one advisory lock, so seqs become visible in order.
CREATE SEQUENCE share_outbox_seq;
CREATE TABLE share_outbox (
  item_id      text PRIMARY KEY,
  type         text NOT NULL,
  -- null: every trusted peer; otherwise the one origin this item is for (feedback on its items)
  audience     text,
  payload      jsonb NOT NULL,
  provenance   jsonb NOT NULL,
  -- sha256 of the canonical type, payload and provenance: an unchanged item keeps its seq
  digest       text NOT NULL,
  status       text NOT NULL CHECK (status IN ('active', 'withdrawn')),
  reason       text,
  seq          bigint NOT NULL DEFAULT nextval('share_outbox_seq'),
  published_at timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL
);
CREATE INDEX share_outbox_seq_idx ON share_outbox (seq);

-- Feedback peers sent on items this deployment shared (a receiver's false positive).
CREATE TABLE share_feedback (
  id          bigserial PRIMARY KEY,
  from_origin text NOT NULL,
  item_id     text NOT NULL,
  verdict     text NOT NULL CHECK (verdict IN ('false-positive')),
  note        text,
  bundle_id   text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (from_origin, item_id)
);
