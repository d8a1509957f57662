-- Impact metrics, cross-deployment sharing and seller linking.
-- Metrics are computed from the stored events (listings, detections, cases, reviews, takedowns, reports);
-- these indexes keep the period/platform filters and the re-listing lookups fast.
CREATE INDEX listings_received_idx ON listings (received_at, platform_id);
CREATE INDEX listings_seller_idx ON listings (platform_id, seller_id) WHERE seller_id IS NOT NULL;
CREATE INDEX listings_title_md5_idx ON listings (md5(lower(title)));
CREATE INDEX takedowns_completed_idx ON takedowns (completed_at) WHERE status = 'done';
CREATE INDEX reports_created_idx ON reports (created_at);
CREATE INDEX reviews_created_idx ON reviews (created_at);

-- Contact identifiers found in a listing (phone, messaging ids, emails, payment handles, seller id),
-- normalised and HMAC-hashed with the coalition-wide key: the raw identifier is never stored here.
CREATE TABLE listing_contact_signals (
  listing_id  bigint NOT NULL REFERENCES listings(id),
  kind        text NOT NULL CHECK (kind IN ('phone', 'wechat', 'line', 'zalo', 'email', 'payment', 'seller')),
  hash        text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (listing_id, kind, hash)
);
CREATE INDEX listing_contact_signals_hash_idx ON listing_contact_signals (hash);

-- Deployments whose signed bundles this one accepts: the origin's name and its Ed25519 public key.
CREATE TABLE share_peers (
  origin      text PRIMARY KEY CHECK (origin ~ '^[a-z0-9][a-z0-9.-]{0,62}$'),
  public_key  text NOT NULL,                       -- SPKI PEM
  enabled     boolean NOT NULL DEFAULT true,
  added_by    text NOT NULL,
  added_at    timestamptz NOT NULL DEFAULT now()
);

-- Every bundle imported (its body hash makes a second import of the same bundle a no-op).
CREATE TABLE share_bundles (
  id           text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{64}$'),
  origin       text NOT NULL,
  created_at   timestamptz NOT NULL,
  imported_at  timestamptz NOT NULL DEFAULT now(),
  imported_by  text NOT NULL,
  summary      jsonb NOT NULL DEFAULT '{}'
);

-- One row per imported item with its provenance, expiry and the importer's decision.
CREATE TABLE shared_items (
  id          bigserial PRIMARY KEY,
  bundle_id   text NOT NULL REFERENCES share_bundles(id),
  origin      text NOT NULL,
  item_id     text NOT NULL,
  type        text NOT NULL CHECK (type IN ('keyword-library', 'image-hashes', 'seller-signal')),
  signal_kind text,                                -- seller signals: phone, wechat, ...
  hash        text,                                -- seller signals: the keyed hash
  payload     jsonb NOT NULL,
  provenance  jsonb NOT NULL,
  expires_at  timestamptz NOT NULL,
  status      text NOT NULL CHECK (status IN ('accepted', 'rejected', 'quarantined')),
  reason      text,
  decided_by  text NOT NULL,
  decided_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (origin, item_id)
);
CREATE INDEX shared_items_hash_idx ON shared_items (hash) WHERE hash IS NOT NULL;
CREATE INDEX shared_items_status_idx ON shared_items (status, type);
