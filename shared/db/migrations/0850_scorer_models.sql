-- The learned scorer's versions (detectors/text/model-store.ts). Every model that was trained here is
-- kept with its held-out metrics and the gate's verdict; which one screens is the latest activation.
-- A trigger tells every running process after an activation commits, so they swap models live.

CREATE TABLE scorer_models (
  version     text PRIMARY KEY CHECK (version ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$'),
  created_at  timestamptz NOT NULL DEFAULT now(),
  created_by  text NOT NULL,
  model       jsonb NOT NULL,
  metrics     jsonb,                -- this model on the held-out split
  baseline    jsonb,                -- the model it was compared with, and its metrics on the same split
  status      text NOT NULL CHECK (status IN ('candidate', 'activated', 'refused')),
  note        text
);

-- Append-only: the history of which model screened when. version NULL = no model, the keyword rules alone.
CREATE TABLE scorer_model_activations (
  seq           bigserial PRIMARY KEY,
  version       text REFERENCES scorer_models(version),
  activated_at  timestamptz NOT NULL DEFAULT now(),
  activated_by  text NOT NULL,
  reason        text NOT NULL
);

CREATE FUNCTION scorer_model_activations_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'scorer_model_activations is append-only: % is not allowed', TG_OP;
END $$;
CREATE TRIGGER scorer_model_activations_no_update BEFORE UPDATE OR DELETE ON scorer_model_activations
  FOR EACH ROW EXECUTE FUNCTION scorer_model_activations_reject_change();

CREATE FUNCTION scorer_model_notify_activation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('wild_sentinel_scorer_model', coalesce(NEW.version, ''));
  RETURN NULL;
END $$;
CREATE TRIGGER scorer_model_notify_activation AFTER INSERT ON scorer_model_activations
  FOR EACH ROW EXECUTE FUNCTION scorer_model_notify_activation();
