-- A volunteer's answer to a reviewer's "more information needed": text or a photo, kept with the report
-- and shown on the case card. A photo answer's bytes are a report_photos row that names its answer.
CREATE TABLE report_answers (
  id            bigserial PRIMARY KEY,
  report_id     bigint NOT NULL REFERENCES reports(id),
  case_id       text NOT NULL REFERENCES cases(id),
  text          text CHECK (length(text) <= 2000),
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX report_answers_case_idx ON report_answers (case_id, id);
ALTER TABLE report_photos ADD COLUMN answer_id bigint REFERENCES report_answers(id);
