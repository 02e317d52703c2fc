-- 090_grants.sql: the last file of every functions run.  The application
-- role may call every function (each checks what its caller may do); it
-- owns none of them and cannot change them.

SET search_path = netdep, pg_catalog;

GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA netdep TO netdep_app;
