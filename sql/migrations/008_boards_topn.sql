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

GRANT SELECT, INSERT, UPDATE, DELETE ON entry_week_counts TO netdep_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON unit_entry_changes TO netdep_app;
