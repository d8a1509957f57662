-- Live metrics. metrics_case_facts was a materialised view refreshed every 15 minutes, so flagged, removed and
-- every figure read from it lagged. It becomes a table kept current in the transaction of each event that
-- changes a case's facts: a case opened or its status changed, a detection with evidence, a takedown done or
-- undone, a volunteer report, a listing's language or seller changed. One row per case: writers of different
-- cases never touch the same row, and benign listings (no case) only pay for a trigger that does nothing.
--
-- The re-listing matches (a later listing from the same seller, title, contact or photo) are the one part
-- left periodic: they compare each removed listing with every later one, which no single write can afford.
-- They move to the materialised view metrics_relisting, refreshed every 15 minutes with its time recorded,
-- and the re-listing figure says "as of" that time.
DROP MATERIALIZED VIEW metrics_case_facts;

CREATE TABLE metrics_case_facts (
  case_id          text PRIMARY KEY,
  listing_id       bigint NOT NULL,
  platform_id      text NOT NULL,
  language         text NOT NULL,
  received_at      timestamptz NOT NULL,
  verdict          text NOT NULL,
  status           text NOT NULL,
  opened_at        timestamptz NOT NULL,
  seller_id        text,
  species          text[] NOT NULL,
  terms            jsonb NOT NULL,
  removed_at       timestamptz,
  actions          text[] NOT NULL,
  first_report_at  timestamptz
);
CREATE INDEX metrics_case_facts_received_idx ON metrics_case_facts (received_at);
CREATE INDEX metrics_case_facts_removed_idx ON metrics_case_facts (removed_at) WHERE removed_at IS NOT NULL;
CREATE INDEX metrics_case_facts_listing_idx ON metrics_case_facts (listing_id);

-- The facts of the given cases, computed from their events exactly as the view did.
CREATE FUNCTION metrics_case_facts_of(case_ids text[]) RETURNS TABLE (
  case_id text, listing_id bigint, platform_id text, language text, received_at timestamptz, verdict text,
  status text, opened_at timestamptz, seller_id text, species text[], terms jsonb, removed_at timestamptz,
  actions text[], first_report_at timestamptz)
LANGUAGE sql STABLE AS $$
  SELECT c.id, c.listing_id, l.platform_id, coalesce(l.language, 'und'), l.received_at, c.verdict, c.status,
         c.opened_at, l.seller_id, coalesce(ev.species, '{}'), coalesce(ev.terms, '[]'), t.removed_at,
         coalesce(t.actions, '{}'), fr.first_report_at
  FROM cases c
  JOIN listings l ON l.id = c.listing_id
  LEFT JOIN LATERAL (
    SELECT array_agg(DISTINCT e->>'species') FILTER (WHERE e->>'species' IS NOT NULL) AS species,
           jsonb_agg(DISTINCT jsonb_build_object('term', e->>'term', 'kind', e->>'kind', 'species', e->>'species'))
             FILTER (WHERE e->>'term' IS NOT NULL AND e->>'kind' NOT IN ('lookalike', 'news')) AS terms
    FROM detections d, jsonb_array_elements(d.evidence) e WHERE d.listing_id = l.id) ev ON true
  LEFT JOIN LATERAL (
    SELECT min(completed_at) AS removed_at, array_agg(DISTINCT action) AS actions FROM takedowns
    WHERE case_id = c.id AND status = 'done' AND action IN ('remove_listing', 'warn_seller', 'suspend_seller')) t ON true
  LEFT JOIN LATERAL (SELECT min(created_at) AS first_report_at FROM reports WHERE case_id = c.id) fr ON true
  WHERE c.id = ANY(case_ids)
$$;

-- Recomputes one case's row. Writers of the same case queue on a per-listing lock held to their commit, and
-- the recount runs after it: two events of one case in concurrent transactions (a takedown and a report)
-- each see the other's rows, so neither overwrites the other with a stale count. The lock is per listing
-- because a detection knows only its listing, and may arrive while the case is being opened.
CREATE FUNCTION metrics_case_facts_sync(p_listing bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_case text;
BEGIN
  PERFORM pg_advisory_xact_lock(7428089, hashint8(p_listing));
  SELECT id INTO v_case FROM cases WHERE listing_id = p_listing;
  IF v_case IS NULL THEN
    RETURN;
  END IF;
  INSERT INTO metrics_case_facts SELECT * FROM metrics_case_facts_of(ARRAY[v_case])
  ON CONFLICT (case_id) DO UPDATE SET
    listing_id = EXCLUDED.listing_id, platform_id = EXCLUDED.platform_id, language = EXCLUDED.language,
    received_at = EXCLUDED.received_at, verdict = EXCLUDED.verdict, status = EXCLUDED.status,
    opened_at = EXCLUDED.opened_at, seller_id = EXCLUDED.seller_id, species = EXCLUDED.species,
    terms = EXCLUDED.terms, removed_at = EXCLUDED.removed_at, actions = EXCLUDED.actions,
    first_report_at = EXCLUDED.first_report_at;
END $$;

CREATE FUNCTION metrics_case_facts_sync_case(p_case text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM metrics_case_facts_sync(listing_id) FROM cases WHERE id = p_case;
END $$;

CREATE FUNCTION metrics_case_facts_on_case() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM metrics_case_facts_sync(NEW.listing_id);
  RETURN NULL;
END $$;
CREATE TRIGGER metrics_case_facts_case_opened AFTER INSERT ON cases
  FOR EACH ROW EXECUTE FUNCTION metrics_case_facts_on_case();
CREATE TRIGGER metrics_case_facts_case_changed AFTER UPDATE OF status, verdict, opened_at ON cases
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.verdict IS DISTINCT FROM NEW.verdict
                     OR OLD.opened_at IS DISTINCT FROM NEW.opened_at)
  EXECUTE FUNCTION metrics_case_facts_on_case();

-- Listings and detections: only what a case's row shows. A benign listing's screening detection carries no
-- evidence and fires nothing.
CREATE FUNCTION metrics_case_facts_on_listing() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM metrics_case_facts_sync(NEW.id);
  RETURN NULL;
END $$;
CREATE TRIGGER metrics_case_facts_listing_changed AFTER UPDATE OF language, seller_id, received_at, platform_id ON listings
  FOR EACH ROW WHEN (OLD.language IS DISTINCT FROM NEW.language OR OLD.seller_id IS DISTINCT FROM NEW.seller_id
                     OR OLD.received_at IS DISTINCT FROM NEW.received_at OR OLD.platform_id IS DISTINCT FROM NEW.platform_id)
  EXECUTE FUNCTION metrics_case_facts_on_listing();

CREATE FUNCTION metrics_case_facts_on_detection() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM metrics_case_facts_sync(NEW.listing_id);
  RETURN NULL;
END $$;
CREATE TRIGGER metrics_case_facts_detection_added AFTER INSERT ON detections
  FOR EACH ROW WHEN (NEW.evidence <> '[]'::jsonb)
  EXECUTE FUNCTION metrics_case_facts_on_detection();

-- Takedowns (done, or a done one changed: an undo) and reports (first report time).
CREATE FUNCTION metrics_case_facts_on_case_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.case_id IS DISTINCT FROM NEW.case_id AND OLD.case_id IS NOT NULL THEN
    PERFORM metrics_case_facts_sync_case(OLD.case_id);
  END IF;
  IF NEW.case_id IS NOT NULL THEN
    PERFORM metrics_case_facts_sync_case(NEW.case_id);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER metrics_case_facts_takedown_added AFTER INSERT ON takedowns
  FOR EACH ROW WHEN (NEW.status = 'done')
  EXECUTE FUNCTION metrics_case_facts_on_case_event();
CREATE TRIGGER metrics_case_facts_takedown_changed AFTER UPDATE OF status, completed_at, action, case_id ON takedowns
  FOR EACH ROW WHEN ((OLD.status = 'done' OR NEW.status = 'done') AND (OLD.status IS DISTINCT FROM NEW.status
                     OR OLD.completed_at IS DISTINCT FROM NEW.completed_at OR OLD.action IS DISTINCT FROM NEW.action
                     OR OLD.case_id IS DISTINCT FROM NEW.case_id))
  EXECUTE FUNCTION metrics_case_facts_on_case_event();
CREATE TRIGGER metrics_case_facts_report_added AFTER INSERT ON reports
  FOR EACH ROW WHEN (NEW.case_id IS NOT NULL)
  EXECUTE FUNCTION metrics_case_facts_on_case_event();
CREATE TRIGGER metrics_case_facts_report_changed AFTER UPDATE OF case_id, created_at ON reports
  FOR EACH ROW WHEN (OLD.case_id IS DISTINCT FROM NEW.case_id OR OLD.created_at IS DISTINCT FROM NEW.created_at)
  EXECUTE FUNCTION metrics_case_facts_on_case_event();

-- Backfill: every existing case, in one statement.
INSERT INTO metrics_case_facts SELECT * FROM metrics_case_facts_of(ARRAY(SELECT id FROM cases));

-- Re-listing matches of removed listings, refreshed (CONCURRENTLY) every 15 minutes; its time is kept in
-- metrics_rollup_state under 'relisting'.
CREATE MATERIALIZED VIEW metrics_relisting AS
SELECT f.case_id,
       (f.seller_id IS NOT NULL AND EXISTS (
          SELECT 1 FROM listings n WHERE n.platform_id = f.platform_id AND n.seller_id = f.seller_id
            AND n.id <> f.listing_id AND n.received_at > f.removed_at)) AS relisted_seller,
       EXISTS (
          SELECT 1 FROM listings l, listings n WHERE l.id = f.listing_id AND md5(lower(n.title)) = md5(lower(l.title))
            AND n.id <> l.id AND n.received_at > f.removed_at) AS relisted_title,
       EXISTS (
          SELECT 1 FROM listing_contact_signals s JOIN listing_contact_signals ns ON ns.hash = s.hash
            JOIN listings n ON n.id = ns.listing_id
          WHERE s.listing_id = f.listing_id AND n.id <> f.listing_id AND n.received_at > f.removed_at) AS relisted_contact,
       EXISTS (
          SELECT 1 FROM listing_photo_links pl JOIN listings n ON n.id = pl.listing_id
          WHERE pl.removed_listing_id = f.listing_id AND n.received_at > f.removed_at) AS relisted_photo
FROM metrics_case_facts f
WHERE f.removed_at IS NOT NULL;
CREATE UNIQUE INDEX metrics_relisting_case_idx ON metrics_relisting (case_id);

INSERT INTO metrics_rollup_state (name, complete_before) VALUES ('relisting', current_date)
ON CONFLICT (name) DO UPDATE SET complete_before = current_date, refreshed_at = now();
DELETE FROM metrics_rollup_state WHERE name = 'case_facts';
