-- 003_votes.sql: counting votes without a hot row, exactly once.
--
-- The votes table stays the truth: one append-only row per vote.  Every
-- change to it (insert, void, un-void, delete, a moved vote_day) is
-- logged by statement triggers into vote_changes, an unindexed-by-order
-- queue of (+1/-1) rows; nothing per entry is locked by a vote.  A folder
-- (cgi/fold.c, a process the master supervises) calls vote_fold() every
-- few hundred milliseconds: it DELETEs what is in the queue (only rows
-- whose transactions committed are seen, so nothing is counted twice or
-- skipped, whatever the commit order) and adds the sums to entry_stats,
-- entry_day_counts and the per-unit tables in the same transaction.
-- After the queue drains, every count equals count(*) of valid votes.
--
-- Idempotency keys (vote_requests) are written in the vote's transaction;
-- their primary key decides between concurrent retries.

SET search_path = netdep, pg_catalog;

-- Forensics: the account's age when it voted (ip, ip_prefix, ua_hash and
-- created_at exist).  ip and ua_hash are nulled after the retention period
-- by vote_purge_forensics(); the /24 (/48) prefix and the age stay.
ALTER TABLE votes ADD COLUMN account_age interval;
-- Votes arrive in time order: a BRIN index finds the old ones for the
-- purge at almost no cost per insert.
CREATE INDEX votes_created_brin ON votes USING brin (created_at);

-- The queue of count changes.  Rows live for a fold interval.
CREATE TABLE vote_changes (
	entry_id  bigint NOT NULL,
	voter_id  bigint NOT NULL,
	vote_day  date NOT NULL,
	delta     integer NOT NULL
);
-- For the exact count in a 201 answer: folded count plus what is queued.
CREATE INDEX vote_changes_entry_idx ON vote_changes (entry_id);
ALTER TABLE vote_changes SET (autovacuum_vacuum_scale_factor = 0,
                              autovacuum_vacuum_threshold = 2000,
                              autovacuum_vacuum_cost_delay = 0);

-- One row per entry (kept by a trigger on entries), with the folded count
-- of valid votes and what the leaderboard filters on.
CREATE TABLE entry_stats (
	entry_id     bigint PRIMARY KEY REFERENCES entries (id) ON DELETE CASCADE,
	contest_id   bigint NOT NULL,
	approved     boolean NOT NULL,
	category_id  bigint,
	unit         text NOT NULL,
	district     text NOT NULL,
	votes        bigint NOT NULL DEFAULT 0 CHECK (votes >= 0)
);
-- Top N: most votes first, ties oldest entry (smaller id) first.
CREATE INDEX entry_stats_top_idx
    ON entry_stats (contest_id, votes DESC, entry_id) WHERE approved;
CREATE INDEX entry_stats_category_idx
    ON entry_stats (contest_id, category_id, votes DESC, entry_id)
    WHERE approved;
CREATE INDEX entry_stats_unit_idx
    ON entry_stats (contest_id, unit, votes DESC, entry_id) WHERE approved;
CREATE INDEX entry_stats_district_idx
    ON entry_stats (contest_id, district, votes DESC, entry_id)
    WHERE approved;
ALTER TABLE entry_stats SET (fillfactor = 80);

-- Valid votes per entry and Vietnam day: period=today|week.
CREATE TABLE entry_day_counts (
	entry_id    bigint NOT NULL,
	vote_day    date NOT NULL,
	contest_id  bigint NOT NULL,
	votes       bigint NOT NULL,
	PRIMARY KEY (entry_id, vote_day)
);
CREATE INDEX entry_day_counts_contest_idx
    ON entry_day_counts (contest_id, vote_day);

-- Distinct voters per unit and district: valid votes of each voter for
-- the entries of a unit; unit_stats.voters counts the rows with votes > 0.
-- (No CHECK (votes >= 0) on tables the folder upserts into: PostgreSQL
-- checks the proposed row, a negative delta, before it finds the conflict.)
CREATE TABLE unit_voters (
	contest_id  bigint NOT NULL,
	level       text NOT NULL CHECK (level IN ('unit', 'district')),
	name        text NOT NULL,
	voter_id    bigint NOT NULL,
	votes       bigint NOT NULL,
	PRIMARY KEY (contest_id, level, name, voter_id)
);
CREATE TABLE unit_stats (
	contest_id  bigint NOT NULL,
	level       text NOT NULL CHECK (level IN ('unit', 'district')),
	name        text NOT NULL,
	votes       bigint NOT NULL,
	voters      bigint NOT NULL,
	PRIMARY KEY (contest_id, level, name)
);

-- When a contest's counts last moved (Last-Modified of its boards).
CREATE TABLE fold_state (
	contest_id  bigint PRIMARY KEY REFERENCES contests (id),
	folded_at   timestamptz NOT NULL
);

-- Idempotency keys: the first answer to (voter, key), replayed to retries.
CREATE TABLE vote_requests (
	voter_id    bigint NOT NULL,
	idem_key    text NOT NULL CHECK (idem_key ~ '^[A-Za-z0-9_-]{8,64}$'),
	entry_id    bigint NOT NULL,
	status      integer NOT NULL,
	reason      text NOT NULL,
	vote_count  bigint,
	votes_left  integer,
	created_at  timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (voter_id, idem_key)
);
CREATE INDEX vote_requests_created_brin
    ON vote_requests USING brin (created_at);

-- Existing data (the migration may run on a live database).
INSERT INTO entry_stats (entry_id, contest_id, approved, category_id, unit,
                         district)
SELECT id, contest_id, status = 'approved', category_id, unit, district
  FROM entries;
INSERT INTO vote_changes (entry_id, voter_id, vote_day, delta)
SELECT entry_id, voter_id, vote_day, count(*) FROM votes
 WHERE voided_at IS NULL GROUP BY 1, 2, 3;

GRANT SELECT, INSERT, UPDATE, DELETE ON vote_changes, entry_stats,
    entry_day_counts, unit_voters, unit_stats, fold_state, vote_requests
    TO netdep_app;
