-- Allowed listings are stored in groups (the batch route, and single listings that arrive together). One
-- call of this function is the whole group write: one round trip, which on its own is its transaction,
-- where the same statements sent one by one cost six (BEGIN, four statements, COMMIT). It runs the
-- statements the batch route ran before, in the same order, each with its own snapshot as before:
--   1. upsert the listings (the version triggers of 0800 number and snapshot changed content);
--   2. insert one screening decision per listing, record hashed contact ids, and answer per listing its
--      id, version, whether it was created or changed, its case, and whether seller linking can find
--      anything for it (a contact id shared with a listing that has a case, or with a shared signal, or a
--      stored photo; linkListing then says exactly what).
-- A changed listing that has a case needs its edit recorded against the case (workflows/use-cases/
-- listing-edits.ts) in the same transaction. Unless p_edits_allowed, such a group raises SQLSTATE WS001
-- before anything is kept, and the caller writes it again inside a transaction that records the edits.
-- Callers pass the listings sorted by external id: one lock order for every group, so none deadlock.
CREATE FUNCTION ingest_benign_listings(
  p_platform text,
  p_external_ids text[], p_urls text[], p_titles text[], p_descriptions text[], p_prices numeric[],
  p_currencies text[], p_languages text[], p_seller_ids text[], p_image_urls jsonb[], p_raws jsonb[],
  p_verdicts text[], p_scores real[], p_clauses text[], p_explanations text[], p_evidence jsonb[],
  p_signal_external_ids text[], p_signal_kinds text[], p_signal_hashes text[],
  p_edits_allowed boolean
) RETURNS TABLE (
  r_external_id text, r_id bigint, r_version integer, r_created boolean, r_changed boolean,
  r_case_id text, r_link_candidate boolean
) LANGUAGE plpgsql AS $$
DECLARE
  w_external_ids text[];
  w_ids bigint[];
  w_versions integer[];
  w_created boolean[];
BEGIN
  WITH w AS (
    INSERT INTO listings (platform_id, external_id, url, title, description, price, currency, language,
                          seller_id, image_urls, raw)
    SELECT p_platform, * FROM unnest(p_external_ids, p_urls, p_titles, p_descriptions, p_prices, p_currencies,
                                      p_languages, p_seller_ids, p_image_urls, p_raws)
    ON CONFLICT (platform_id, external_id) DO UPDATE SET
      url = EXCLUDED.url, title = EXCLUDED.title, description = EXCLUDED.description, price = EXCLUDED.price,
      currency = EXCLUDED.currency, language = EXCLUDED.language, seller_id = EXCLUDED.seller_id,
      image_urls = EXCLUDED.image_urls, raw = EXCLUDED.raw, updated_at = now()
    WHERE listings.raw IS DISTINCT FROM EXCLUDED.raw
    RETURNING listings.external_id, listings.id, listings.current_version, (listings.xmax = 0) AS created)
  SELECT array_agg(w.external_id), array_agg(w.id), array_agg(w.current_version), array_agg(w.created)
  INTO w_external_ids, w_ids, w_versions, w_created
  FROM w;

  IF NOT p_edits_allowed AND EXISTS (
    SELECT 1 FROM unnest(w_ids, w_created) AS x(id, created) JOIN cases c ON c.listing_id = x.id
    WHERE NOT x.created
  ) THEN
    RAISE EXCEPTION 'a changed listing in this group has a case' USING ERRCODE = 'WS001';
  END IF;

  RETURN QUERY
  WITH stored AS (
    SELECT w.external_id, w.id, w.version, w.created, true AS changed
    FROM unnest(w_external_ids, w_ids, w_versions, w_created) AS w(external_id, id, version, created)
    UNION ALL
    -- Unchanged content wrote nothing: those listings keep their version (their rows are locked until commit).
    SELECT l.external_id, l.id, l.current_version, false, false
    FROM listings l
    WHERE l.platform_id = p_platform
      AND l.external_id = ANY (ARRAY(SELECT unnest(p_external_ids) EXCEPT SELECT unnest(w_external_ids)))),
  decisions AS (
    INSERT INTO detections (listing_id, detector, verdict, score, clause, explanation, evidence, listing_version)
    SELECT s.id, 'screening', d.verdict, d.score, d.clause, d.explanation, d.evidence, s.version
    FROM unnest(p_external_ids, p_verdicts, p_scores, p_clauses, p_explanations, p_evidence)
      AS d(external_id, verdict, score, clause, explanation, evidence)
    JOIN stored s ON s.external_id = d.external_id),
  contacts AS (
    INSERT INTO listing_contact_signals (listing_id, kind, hash)
    SELECT s.id, k.kind, k.hash
    FROM unnest(p_signal_external_ids, p_signal_kinds, p_signal_hashes) AS k(external_id, kind, hash)
    JOIN stored s ON s.external_id = k.external_id
    ON CONFLICT DO NOTHING)
  SELECT s.external_id, s.id, s.version, s.created, s.changed, c.id,
         -- This statement's snapshot does not hold the contact ids recorded just above: the group's own
         -- hashes are read from the parameters, earlier versions' from the table.
         EXISTS (SELECT 1 FROM unnest(p_signal_external_ids, p_signal_hashes) AS k(external_id, hash)
                 JOIN listing_contact_signals o ON o.hash = k.hash AND o.listing_id <> s.id
                 JOIN cases oc ON oc.listing_id = o.listing_id
                 WHERE k.external_id = s.external_id)
      OR EXISTS (SELECT 1 FROM unnest(p_signal_external_ids, p_signal_hashes) AS k(external_id, hash)
                 JOIN shared_items si ON si.hash = k.hash
                 WHERE k.external_id = s.external_id)
      OR (NOT s.created AND (
            EXISTS (SELECT 1 FROM listing_contact_signals m
                    JOIN listing_contact_signals o ON o.hash = m.hash AND o.listing_id <> m.listing_id
                    JOIN cases oc ON oc.listing_id = o.listing_id
                    WHERE m.listing_id = s.id)
         OR EXISTS (SELECT 1 FROM listing_contact_signals m JOIN shared_items si ON si.hash = m.hash
                    WHERE m.listing_id = s.id)
         OR EXISTS (SELECT 1 FROM listing_photo_hashes p WHERE p.listing_id = s.id)))
  FROM stored s
  LEFT JOIN cases c ON c.listing_id = s.id;
END $$;
