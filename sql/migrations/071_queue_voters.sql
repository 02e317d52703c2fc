-- 071_queue_voters.sql: one queue row per entry and day for the votes one
-- statement inserts, its voters in an array (issue 19, "one entry vs
-- random").
--
-- Every batch of the vote writer sums each of its entries' queued rows
-- for the count in its answers.  With a row per vote, an entry that gets
-- every vote (a contest's last evening) had a fold interval's worth of
-- rows, ~500, summed again by every batch: 0.2-0.8 ms a batch.  On a
-- scratch stack, one entry's votes ran at 0.90-1.08x of random ones with
-- the sum, and at 1.19-1.42x with the sum left out (three alternated
-- rounds).  The insert trigger now writes one row per entry and day per
-- statement, with its voters; the folder unnests them.  Voids, restores
-- and deletes keep a row per voter (voter_id) and its delta: they are
-- rare, and a voter's -1 and +1 must meet in the fold.  Rows of the old
-- form already queued stay valid.

SET search_path = netdep, pg_catalog;

ALTER TABLE vote_changes
    ALTER COLUMN voter_id DROP NOT NULL,
    ADD COLUMN voters bigint[],
    ADD CONSTRAINT vote_changes_one_form CHECK (
        (voter_id IS NULL) <> (voters IS NULL)
        AND (voters IS NULL OR cardinality(voters) = delta));
