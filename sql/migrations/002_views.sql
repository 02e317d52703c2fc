-- 002_views.sql: helpers the read statements share, so the JSON an entry
-- is shown as is written once.  The helpers themselves (media_path,
-- contest_phase, is_judge_of) live in functions/010_common.sql.

SET search_path = netdep, pg_catalog;
