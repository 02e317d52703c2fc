-- 007_similar.sql: one near-duplicate search (entry_similar() in
-- functions/020_entries.sql; this migration no longer changes a table).
--
-- The moderation queue (mod_similar() of 004) and GET /entries/{id}/similar
-- (a statement of cgi/stmt.c) each wrote the same dHash search with their
-- own columns and limits.  entry_similar() is the one search: entries of
-- any contest, not withdrawn, whose photo's dHash is within p_max bits of
-- this one's, nearest first (ties by id), at most p_limit (NULL: all).  A
-- thumbnail only where the viewer may see it: public once approved,
-- private to the judges of that entry's contest.

SET search_path = netdep, pg_catalog;
