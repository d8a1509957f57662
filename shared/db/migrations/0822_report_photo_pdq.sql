-- Reviewers compare volunteers' photos with hash banks and removed listings: keep each photo's PDQ hash
-- (null when the bytes could not be decoded) beside its sha256.
ALTER TABLE report_photos ADD COLUMN pdq text, ADD COLUMN pdq_quality integer;
