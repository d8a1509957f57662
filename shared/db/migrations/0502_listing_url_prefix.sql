-- Lets a reported link be recognised by the host of listings a platform already sent, when no
-- platform_domains row names it (prefix search on listings.url).
CREATE INDEX listings_url_prefix_idx ON listings (url text_pattern_ops);
