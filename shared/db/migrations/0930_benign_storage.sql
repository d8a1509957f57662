-- What a platform keeps of the listings it sends that the policy allows (about 98% of them): 'full' stores each
-- one (listing, versions, decision), which metrics, seller linking and later edits use; 'counters' stores no row
-- and only counts it here, per UTC day and language, for the "listings screened" figures. A listing the
-- platform sent before, or one that needs deep screening (photos, a seller with history), is stored in full
-- either way.
ALTER TABLE platforms ADD COLUMN benign_storage text NOT NULL DEFAULT 'full'
  CHECK (benign_storage IN ('full', 'counters'));

CREATE TABLE screened_counts (
  day         date NOT NULL,
  platform_id text NOT NULL REFERENCES platforms (id),
  language    text NOT NULL,
  screened    bigint NOT NULL,
  PRIMARY KEY (day, platform_id, language)
);
