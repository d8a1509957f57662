-- An answer's delivery key (the inbox entry or chat update it came in): a retried delivery stores one answer.
ALTER TABLE report_answers ADD COLUMN request_id text UNIQUE CHECK (length(request_id) <= 200);
