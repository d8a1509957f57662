-- Workflow starts owed: written in the transaction that makes a start owed (a flagged listing stored, its
-- case opened) and deleted once Temporal holds the workflow. A process killed between its commit and the
-- start, or Temporal unreachable for a while, leaves the row, and a dispatcher in any running process
-- starts it later: a case never waits for the platform to resend its listing. Starting is idempotent by
-- workflow id, so a row started twice (a crash after the start, before the delete) starts one workflow.
CREATE TABLE workflow_starts (
  workflow_id     text PRIMARY KEY,
  workflow_type   text NOT NULL,
  task_queue      text NOT NULL,
  args            jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  -- Until then the row is being started (a lease) or waits for its next try (a backoff).
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  failures        integer NOT NULL DEFAULT 0,
  last_error      text
);
CREATE INDEX workflow_starts_due_idx ON workflow_starts (next_attempt_at);
