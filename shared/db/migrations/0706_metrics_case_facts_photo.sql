-- metrics_case_facts as in 0703, plus relisted_photo: a listing received after the removal had a photo linked
-- to this listing's (listing_photo_links, recorded when that listing's case opened). No other view or function
-- depends on it (one would make the DROP fail), so it is dropped and created again with its indexes.
DROP MATERIALIZED VIEW metrics_case_facts;

CREATE MATERIALIZED VIEW metrics_case_facts AS
SELECT c.id AS case_id, c.listing_id, l.platform_id, coalesce(l.language, 'und') AS language, l.received_at,
       c.verdict, c.status, c.opened_at, l.seller_id,
       coalesce(ev.species, '{}') AS species, coalesce(ev.terms, '[]') AS terms,
       t.removed_at, coalesce(t.actions, '{}') AS actions, fr.first_report_at,
       (t.removed_at IS NOT NULL AND l.seller_id IS NOT NULL AND EXISTS (
          SELECT 1 FROM listings n WHERE n.platform_id = l.platform_id AND n.seller_id = l.seller_id
            AND n.id <> l.id AND n.received_at > t.removed_at)) AS relisted_seller,
       (t.removed_at IS NOT NULL AND EXISTS (
          SELECT 1 FROM listings n WHERE md5(lower(n.title)) = md5(lower(l.title))
            AND n.id <> l.id AND n.received_at > t.removed_at)) AS relisted_title,
       (t.removed_at IS NOT NULL AND EXISTS (
          SELECT 1 FROM listing_contact_signals s JOIN listing_contact_signals ns ON ns.hash = s.hash
            JOIN listings n ON n.id = ns.listing_id
          WHERE s.listing_id = l.id AND n.id <> l.id AND n.received_at > t.removed_at)) AS relisted_contact,
       (t.removed_at IS NOT NULL AND EXISTS (
          SELECT 1 FROM listing_photo_links pl JOIN listings n ON n.id = pl.listing_id
          WHERE pl.removed_listing_id = l.id AND n.received_at > t.removed_at)) AS relisted_photo
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
LEFT JOIN LATERAL (SELECT min(created_at) AS first_report_at FROM reports WHERE case_id = c.id) fr ON true;

CREATE UNIQUE INDEX metrics_case_facts_case_idx ON metrics_case_facts (case_id);
CREATE INDEX metrics_case_facts_received_idx ON metrics_case_facts (received_at);
CREATE INDEX metrics_case_facts_removed_idx ON metrics_case_facts (removed_at) WHERE removed_at IS NOT NULL;
