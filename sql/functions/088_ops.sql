-- 088_ops.sql: what operations (backups, restores) ask of the database
-- (issue 14; README, Running it for real).  Re-applied on every start
-- (see sql/README.md); edit in place.

SET search_path = netdep, pg_catalog;

-- The media rows whose files should be on disk (entries whose files the
-- janitor has not purged), each with the suffix of its original and
-- whether its derivatives belong in the public tree (approved entries
-- only).  After a restore, `netdep-admin media relink` rebuilds pub/
-- from this and names every row whose original is missing.
CREATE FUNCTION media_relink_list()
RETURNS TABLE (token text, original_type text, public boolean)
LANGUAGE sql STABLE AS $$
	SELECT m.token, m.original_type, e.status = 'approved'
	  FROM media m JOIN entries e ON e.id = m.entry_id
	 WHERE e.files_purged_at IS NULL
	 ORDER BY m.token COLLATE "C";
$$;
