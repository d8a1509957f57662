-- A report can be told two outcomes: "more information needed", then the final one. Remember which
-- outcome the reporter was last told, so each is sent once and a final outcome still follows more_info.
ALTER TABLE reports ADD COLUMN notified_outcome text CHECK (notified_outcome IN ('confirmed', 'rejected', 'more_info'));
UPDATE reports SET notified_outcome = outcome WHERE notified_at IS NOT NULL;
