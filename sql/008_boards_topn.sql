-- 008_boards_topn.sql: every public board is a top-N walk of an index.
--
-- Before this, three boards cost O(entries of the contest) per read:
--   units/districts  counted approved entries per unit with a GROUP BY
--                    over entry_stats, then sorted every unit;
--   period=today     summed entry_day_counts over the contest's entries
--   period=week      for up to seven days, then sorted.
-- At 100,000 entries the units board grew 3.7x against a small contest.
-- Now:
--   unit_stats.entries  approved entries per unit and district: a row
--                       trigger on entry_stats queues +1/-1 rows in
--                       unit_entry_changes and the folder adds them up
--                       with the votes, so only the folder ever writes
--                       unit_stats (no lock order to get wrong between
--                       it and a moderation); the board reads unit_stats
--                       in (votes DESC, name) order, stops at its limit;
--   entry_week_counts   valid votes per entry and Vietnam week (Monday),
--                       folded by vote_fold() beside entry_day_counts;
--   both period tables  carry a (contest, period, votes DESC, entry)
--                       index, so "today" and "this week" are top-N too.

SET search_path = netdep, pg_catalog;

-- --- units: entries counted where the votes are ---------------------------
ALTER TABLE unit_stats ADD COLUMN entries bigint NOT NULL DEFAULT 0;
CREATE INDEX unit_stats_board_idx
    ON unit_stats (contest_id, level, votes DESC, name) WHERE entries > 0;

-- Entry-count changes of units and districts, folded by vote_fold().
CREATE TABLE unit_entry_changes (
	contest_id  bigint NOT NULL,
	level       text NOT NULL,
	name        text NOT NULL,
	delta       integer NOT NULL
);

CREATE FUNCTION unit_entries_sync() RETURNS trigger
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
BEGIN
	IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.approved THEN
		INSERT INTO unit_entry_changes (contest_id, level, name, delta)
		VALUES (OLD.contest_id, 'unit', OLD.unit, -1),
		       (OLD.contest_id, 'district', OLD.district, -1);
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.approved THEN
		INSERT INTO unit_entry_changes (contest_id, level, name, delta)
		VALUES (NEW.contest_id, 'unit', NEW.unit, 1),
		       (NEW.contest_id, 'district', NEW.district, 1);
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER entry_stats_units
    AFTER INSERT OR DELETE OR UPDATE OF approved, unit, district
    ON entry_stats FOR EACH ROW EXECUTE FUNCTION unit_entries_sync();

-- Existing data, through the queue (the folder may be running).
INSERT INTO unit_entry_changes (contest_id, level, name, delta)
SELECT s.contest_id, l.level, l.name, count(*)
  FROM entry_stats s,
       LATERAL (VALUES ('unit', s.unit), ('district', s.district)) l(level,
                                                                    name)
 WHERE s.approved
 GROUP BY 1, 2, 3;

-- --- periods: today and this week as top-N --------------------------------
CREATE TABLE entry_week_counts (
	entry_id    bigint NOT NULL,
	week        date NOT NULL CHECK (extract(isodow FROM week) = 1),
	contest_id  bigint NOT NULL,
	votes       bigint NOT NULL,
	PRIMARY KEY (entry_id, week)
);
CREATE INDEX entry_week_counts_board_idx
    ON entry_week_counts (contest_id, week, votes DESC, entry_id);
DROP INDEX entry_day_counts_contest_idx;
CREATE INDEX entry_day_counts_board_idx
    ON entry_day_counts (contest_id, vote_day, votes DESC, entry_id);
-- The zero-vote tail of a period board: approved entries, oldest first.
CREATE INDEX entry_stats_contest_entry_idx
    ON entry_stats (contest_id, entry_id) WHERE approved;

INSERT INTO entry_week_counts (entry_id, week, contest_id, votes)
SELECT entry_id, date_trunc('week', vote_day)::date, contest_id, sum(votes)
  FROM entry_day_counts GROUP BY 1, 2, 3;

-- --- votes: one random index insert less per vote -------------------------
-- votes_entry_idx (entry_id) WHERE voided_at IS NULL repeats the first
-- column of UNIQUE (entry_id, voter_id, period), which serves the same
-- lookups; at 50,000,000 votes every index keyed by entry costs a vote a
-- random leaf page (and a full-page write after each checkpoint): without
-- it, random-entry votes/s rose from 1,457 to 1,512-1,600 (bench-scale).
DROP INDEX votes_entry_idx;

-- --- the folder: the week table and the units' entry counts ---------------
-- unit_voters rows that fall to zero (voided votes) are deleted only after
-- a fold that took votes away: a DELETE ... WHERE votes = 0 after every
-- fold was a scan of the whole table, one row per voter and unit.
CREATE OR REPLACE FUNCTION vote_fold(OUT folded bigint)
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
DECLARE
	took boolean;
BEGIN
	IF NOT pg_try_advisory_xact_lock(hashtext('netdep.vote_fold')) THEN
		folded := -1;
		RETURN;
	END IF;
	-- One statement, one snapshot: "before" below is the state every
	-- sub-statement starts from, and the lock keeps other folders out.
	WITH d AS (
		DELETE FROM vote_changes
		RETURNING entry_id, voter_id, vote_day, delta
	), g AS (
		SELECT d.entry_id, e.contest_id, e.unit, e.district, d.voter_id,
		       d.vote_day, sum(d.delta) AS n
		  FROM d JOIN entries e ON e.id = d.entry_id
		 GROUP BY 1, 2, 3, 4, 5, 6
		HAVING sum(d.delta) <> 0
	), es AS (
		UPDATE entry_stats s SET votes = s.votes + x.n
		  FROM (SELECT entry_id, sum(n) AS n FROM g GROUP BY 1) x
		 WHERE s.entry_id = x.entry_id AND x.n <> 0
	), ed AS (
		INSERT INTO entry_day_counts AS c (entry_id, vote_day, contest_id,
		                                   votes)
		SELECT entry_id, vote_day, contest_id, sum(n) FROM g
		 GROUP BY 1, 2, 3 HAVING sum(n) <> 0
		ON CONFLICT (entry_id, vote_day)
		DO UPDATE SET votes = c.votes + EXCLUDED.votes
	), ew AS (
		INSERT INTO entry_week_counts AS c (entry_id, week, contest_id,
		                                    votes)
		SELECT entry_id, date_trunc('week', vote_day)::date, contest_id,
		       sum(n) FROM g
		 GROUP BY 1, 2, 3 HAVING sum(n) <> 0
		ON CONFLICT (entry_id, week)
		DO UPDATE SET votes = c.votes + EXCLUDED.votes
	), ue AS (
		DELETE FROM unit_entry_changes
		RETURNING contest_id, level, name, delta
	), uv AS (
		SELECT contest_id, 'unit' AS level, unit AS name, voter_id,
		       sum(n) AS n FROM g GROUP BY 1, 3, 4
		UNION ALL
		SELECT contest_id, 'district', district, voter_id, sum(n)
		  FROM g GROUP BY 1, 3, 4
	), before AS (
		SELECT uv.*, coalesce(x.votes, 0) AS had FROM uv
		  LEFT JOIN unit_voters x USING (contest_id, level, name, voter_id)
		 WHERE uv.n <> 0
	), uvi AS (
		INSERT INTO unit_voters AS u (contest_id, level, name, voter_id,
		                              votes)
		SELECT contest_id, level, name, voter_id, n FROM before
		ON CONFLICT (contest_id, level, name, voter_id)
		DO UPDATE SET votes = u.votes + EXCLUDED.votes
	), us AS (
		INSERT INTO unit_stats AS u (contest_id, level, name, votes, voters,
		                             entries)
		SELECT contest_id, level, name, sum(v), sum(vr), sum(en)
		  FROM (SELECT contest_id, level, name, n AS v,
		               (had + n > 0)::int - (had > 0)::int AS vr, 0 AS en
		          FROM before
		        UNION ALL
		        SELECT contest_id, level, name, 0, 0, delta FROM ue) x
		 GROUP BY 1, 2, 3
		ON CONFLICT (contest_id, level, name)
		DO UPDATE SET votes = u.votes + EXCLUDED.votes,
		              voters = u.voters + EXCLUDED.voters,
		              entries = u.entries + EXCLUDED.entries
	), fs AS (
		INSERT INTO fold_state AS f (contest_id, folded_at)
		SELECT contest_id, now() FROM g
		 UNION
		SELECT contest_id, now() FROM ue
		ON CONFLICT (contest_id) DO UPDATE SET folded_at = now()
	)
	SELECT (SELECT count(*) FROM d) + (SELECT count(*) FROM ue),
	       coalesce((SELECT bool_or(delta < 0) FROM d), false)
	  INTO folded, took;
	-- Voters whose votes for a unit all went (voided) leave no row.
	IF took THEN
		DELETE FROM unit_voters WHERE votes = 0;
	END IF;
END
$$;

GRANT SELECT, INSERT, UPDATE, DELETE ON entry_week_counts TO netdep_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON unit_entry_changes TO netdep_app;
GRANT EXECUTE ON FUNCTION unit_entries_sync() TO netdep_app;
