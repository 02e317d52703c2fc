-- 072_no_vacuum_truncate.sql: autovacuum no longer gives back the empty
-- pages at the end of the tables a vote writes (issue 19, p99).
--
-- Giving them back takes an ACCESS EXCLUSIVE lock on the table, which
-- waits for the writes in progress and holds every new one behind it.
-- The vote queue (vote_changes) is emptied five times a second and
-- vacuumed every few seconds under load, so its last pages are often
-- empty: in a 10 s run of wrk -c 32, the vote writer waited 88.7 ms
-- behind one such truncation, and so did the ~32 votes of its batch
-- (log_lock_waits); the folder waited 58 ms behind unit_stats'.  These
-- tables fill again at once, so the pages are better kept for reuse.

SET search_path = netdep, pg_catalog;

ALTER TABLE votes              SET (vacuum_truncate = false);
ALTER TABLE vote_changes       SET (vacuum_truncate = false);
ALTER TABLE vote_requests      SET (vacuum_truncate = false);
ALTER TABLE vote_ledger        SET (vacuum_truncate = false);
ALTER TABLE pow_spent          SET (vacuum_truncate = false);
ALTER TABLE sessions           SET (vacuum_truncate = false);
ALTER TABLE entry_stats        SET (vacuum_truncate = false);
ALTER TABLE entry_day_counts   SET (vacuum_truncate = false);
ALTER TABLE entry_week_counts  SET (vacuum_truncate = false);
ALTER TABLE unit_stats         SET (vacuum_truncate = false);
ALTER TABLE unit_voters        SET (vacuum_truncate = false);
ALTER TABLE unit_entry_changes SET (vacuum_truncate = false);
ALTER TABLE unit_participants  SET (vacuum_truncate = false);
ALTER TABLE fold_state         SET (vacuum_truncate = false);
