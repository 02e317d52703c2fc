-- 040_boards.sql: Leaderboard change notifications (NOTIFY netdep_boards).
-- Re-applied on every start (see sql/README.md); edit in place.

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
