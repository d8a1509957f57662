-- Every process caches platform API keys in memory (shared/db/platform-keys.ts). Whatever changes the
-- platforms table (the CLI, another API process, a hand-written UPDATE) tells them after it commits, so a
-- rotated key or a removed platform stops authenticating everywhere at once.
CREATE FUNCTION platforms_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('wild_sentinel_platforms', '');
  RETURN NULL;
END $$;
CREATE TRIGGER platforms_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON platforms
  FOR EACH STATEMENT EXECUTE FUNCTION platforms_notify_change();
