-- 000_reset.sql: the first file of every functions run (scripts/migrate.sh).
--
-- Every function, procedure, trigger and view of schema netdep is defined
-- in exactly one file of sql/functions/, and what runs is exactly what
-- those files say: this drops them all (triggers go with their functions)
-- so the files after it re-create them from scratch.  The pending table
-- migrations run between this file and the others, and the whole run is
-- one transaction, so no session ever sees a schema without its functions.
--
-- Tables may not depend on a function (an index expression, a CHECK, a
-- column default): dropping it would silently take the index or the
-- constraint along.  Such a dependency stops the run here instead.

SET search_path = netdep, pg_catalog;

DO $$
DECLARE
	r record;
	v record;
	f record;
BEGIN
	-- A new database: the first migration has not created the schema yet.
	IF to_regnamespace('netdep') IS NULL THEN
		RETURN;
	END IF;
	SELECT d.classid::regclass AS kind, d.objid, p.oid::regprocedure AS fn
	  INTO r
	  FROM pg_depend d
	  JOIN pg_proc p ON p.oid = d.refobjid AND d.refclassid = 'pg_proc'::regclass
	 WHERE p.pronamespace = 'netdep'::regnamespace
	   AND d.classid IN ('pg_class'::regclass, 'pg_constraint'::regclass,
	                     'pg_attrdef'::regclass)
	 LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'a table object (% %) depends on function %: move that rule into a table migration without the function',
		      r.kind, r.objid, r.fn;
	END IF;
	FOR v IN SELECT c.oid::regclass::text AS name
	           FROM pg_class c
	          WHERE c.relnamespace = 'netdep'::regnamespace
	            AND c.relkind IN ('v', 'm')
	LOOP
		EXECUTE format('DROP VIEW IF EXISTS %s CASCADE', v.name);
	END LOOP;
	FOR f IN SELECT p.oid, p.prokind
	           FROM pg_proc p
	          WHERE p.pronamespace = 'netdep'::regnamespace
	            AND NOT EXISTS (SELECT 1 FROM pg_depend e
	                             WHERE e.objid = p.oid AND e.deptype = 'e')
	LOOP
		-- SQL-body functions depend on those they call: a CASCADE above
		-- may already have dropped this one.
		CONTINUE WHEN NOT EXISTS (SELECT 1 FROM pg_proc WHERE oid = f.oid);
		EXECUTE format('DROP %s %s CASCADE',
		               CASE f.prokind WHEN 'p' THEN 'PROCEDURE'
		                              WHEN 'a' THEN 'AGGREGATE'
		                              ELSE 'FUNCTION' END, f.oid::regprocedure);
	END LOOP;
END
$$;
