-- A confirmed report is told twice: "confirmed, removal requested" at the reviewer's approval, then what
-- the takedown did ("removed", or "removal failed"). notified_outcome remembers the last one told.
ALTER TABLE reports DROP CONSTRAINT IF EXISTS reports_notified_outcome_check;
ALTER TABLE reports ADD CONSTRAINT reports_notified_outcome_check
  CHECK (notified_outcome IN ('confirmed', 'rejected', 'more_info', 'removed', 'removal_failed'));
