-- 015_vote_path.sql: a vote writes what the rules need and nothing more
-- (issue 19).  Measured with pg_walinspect over a pgbench run of
-- vote_cast (README, "Performance: the vote path"): a vote wrote 22 WAL
-- records, about 1.9 KB, against 4 records and 280 bytes for the plain
-- durable insert + counter of PERF.md, and the backends waited on the WAL
-- lock.  What goes, and what keeps each guarantee:
--
-- * The foreign key votes.contest_id -> contests locked THE contest row
--   (FOR KEY SHARE) in every vote: a hot row, a MultiXact per concurrent
--   vote and about 280 bytes of WAL each.  The contest is now checked
--   through the entry: (entry_id, contest_id) -> entries (id, contest_id),
--   which is stricter than before (a vote cannot name an entry of another
--   contest) and locks only the entry, as the entry key did already.
-- * vote_budget: a row written per voter and day (an insert and an index
--   entry for the first vote of a day, then an update each vote).  The
--   budget is now the count of the voter's votes of that contest and
--   Vietnam day, read from votes_voter_idx under a per-voter transaction
--   lock that vote_cast() takes first (an advisory lock: no row, no
--   WAL), so two votes of one voter never decide at once and the count is
--   exact.  Votes voided later still count against that day's budget, as
--   the budget row did.
-- * The two fraud-report indexes on votes (contest, entry, ip|prefix,
--   time): two random index inserts per vote for a report a judge opens a
--   few times a day; it reads the contest's votes through
--   votes_contest_day_idx and sorts them.

ALTER TABLE entries ADD CONSTRAINT entries_id_contest_key UNIQUE (id, contest_id);
ALTER TABLE votes DROP CONSTRAINT votes_contest_id_fkey;
ALTER TABLE votes DROP CONSTRAINT votes_entry_id_fkey;
ALTER TABLE votes ADD CONSTRAINT votes_entry_contest_fkey
    FOREIGN KEY (entry_id, contest_id) REFERENCES entries (id, contest_id);
DROP INDEX votes_fraud_ip_idx;
DROP INDEX votes_fraud_prefix_idx;
DROP TABLE vote_budget;
