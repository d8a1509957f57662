-- The backoff between tries counts the tries that failed, not every lease: a process killed in the middle
-- of a try (a crash, a deploy) is not the entry's fault, and counting those tries pushed a reviewer's click
-- minutes away after a few restarts.
ALTER TABLE inbox ADD COLUMN failures integer NOT NULL DEFAULT 0;
