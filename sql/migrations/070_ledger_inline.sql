-- 070_ledger_inline.sql: the vote ledger without a second row per vote
-- (issue 16, "the ledger must not become a hot row").
--
-- Since 035 every vote appended a row to vote_ledger (a heap tuple and a
-- primary-key entry, one more INSERT statement) under the vote's commit:
-- pgbench on vote_cast() ran at 0.76-0.86x of the rate without it.  A
-- vote's link (chain, seq, hash) now lives in the vote's own row, written
-- by the INSERT that writes the vote: no second heap tuple.  The chain's
-- last link is found through votes_ledger_idx (the one index entry the
-- link adds) and vote_ledger's primary key, under the chain's transaction
-- advisory lock, as before.  A head row per chain was tried and is worse:
-- each vote's update of one of 256 small rows leaves a version that
-- concurrent snapshots keep alive, and lookups walk those versions.
-- vote_ledger keeps the voids and restores (rare), the votes of
-- migrations 035-069, and votes inserted other than through vote_cast()
-- (their insert trigger appends them there).  The chain is the union of
-- both, by seq (ledger_links() in sql/functions/110_ledger.sql); the hash
-- and the canonical bytes are unchanged, so the chains of 035 continue
-- where they stopped.  The unique index also makes two links with one
-- (chain, seq) impossible among the votes.

SET search_path = netdep, pg_catalog;

ALTER TABLE votes ADD COLUMN ledger_chain smallint,
                  ADD COLUMN ledger_seq bigint,
                  ADD COLUMN ledger_hash bytea;

CREATE UNIQUE INDEX votes_ledger_idx ON votes (ledger_chain, ledger_seq)
    WHERE ledger_chain IS NOT NULL;

-- vote_cast() takes the vote's id first: the hash covers it.
GRANT USAGE ON SEQUENCE votes_id_seq TO netdep_app;
