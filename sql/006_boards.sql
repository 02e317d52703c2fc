-- 006_boards.sql: tell the workers when a public leaderboard may change.
--
-- Each worker keeps the boards it served (cgi/boards.c) and LISTENs on
-- netdep_boards; a notification makes every kept board stale.  What a
-- by=votes or unit board shows comes from:
--   the folded counts   -> fold_state moves exactly when a fold changed a
--                          count (003_votes.sql), so it notifies then and
--                          an idle folder notifies nothing;
--   entries             -> title, caption, status, category, unit, ...;
--   accounts            -> the author's display name;
--   media, categories, contests -> image sizes, names, slugs.
-- NOTIFY is sent at commit and folded per transaction, so a fold costs one
-- notification whatever it moved.  Votes themselves notify nothing: they
-- reach the boards through the fold.

SET search_path = netdep, pg_catalog;

CREATE FUNCTION boards_changed() RETURNS trigger
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
BEGIN
	PERFORM pg_notify('netdep_boards', '');
	RETURN NULL;
END
$$;

-- The folder upserts fold_state with a statement that runs on every fold,
-- even an empty one: notify only when it touched a row.
CREATE FUNCTION boards_folded() RETURNS trigger
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM moved) THEN
		PERFORM pg_notify('netdep_boards', '');
	END IF;
	RETURN NULL;
END
$$;

CREATE TRIGGER boards_folded_insert AFTER INSERT ON fold_state
    REFERENCING NEW TABLE AS moved
    FOR EACH STATEMENT EXECUTE FUNCTION boards_folded();
CREATE TRIGGER boards_folded_update AFTER UPDATE ON fold_state
    REFERENCING NEW TABLE AS moved
    FOR EACH STATEMENT EXECUTE FUNCTION boards_folded();

CREATE TRIGGER boards_entries AFTER INSERT OR UPDATE OR DELETE ON entries
    FOR EACH STATEMENT EXECUTE FUNCTION boards_changed();
CREATE TRIGGER boards_accounts
    AFTER UPDATE OF display_name, username OR DELETE ON accounts
    FOR EACH STATEMENT EXECUTE FUNCTION boards_changed();
CREATE TRIGGER boards_media AFTER INSERT OR UPDATE OR DELETE ON media
    FOR EACH STATEMENT EXECUTE FUNCTION boards_changed();
CREATE TRIGGER boards_categories
    AFTER INSERT OR UPDATE OR DELETE ON categories
    FOR EACH STATEMENT EXECUTE FUNCTION boards_changed();
CREATE TRIGGER boards_contests AFTER INSERT OR UPDATE OR DELETE ON contests
    FOR EACH STATEMENT EXECUTE FUNCTION boards_changed();

GRANT EXECUTE ON FUNCTION boards_changed(), boards_folded() TO netdep_app;
