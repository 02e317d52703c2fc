-- 990_grants.sql: the last file of every functions run.  The application
-- role may call every function (each checks what its caller may do); it
-- owns none of them and cannot change them.

SET search_path = netdep, pg_catalog;

GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA netdep TO netdep_app;

-- What the application role may do beyond that (issue 12): it owns
-- nothing and makes no DDL (it was created without CREATEDB, CREATEROLE
-- or ownership of any schema); it may not create temporary tables or
-- anything in schema public either, so a hijacked worker can only run
-- statements on the rows it was granted.  Its statements, lock waits and
-- idle transactions are bounded, so one stuck worker cannot hold locks or
-- a connection's snapshot for long: a statement runs at most 60 s (the
-- slowest report, a full CSV export, takes well under that), waits at
-- most 10 s for a lock, and a transaction left idle (a card redrawn
-- inside one waits for a decode slot and the decode, 23 s at most by
-- default) is cut after 60 s.
DO $$
BEGIN
	EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC',
	               current_database());
	EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM netdep_app',
	               current_database());
END
$$;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
ALTER ROLE netdep_app SET statement_timeout = '60s';
ALTER ROLE netdep_app SET lock_timeout = '10s';
ALTER ROLE netdep_app SET idle_in_transaction_session_timeout = '60s';
