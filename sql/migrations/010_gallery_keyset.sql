-- 010_gallery_keyset.sql: every gallery page is an index range scan.
--
-- Before this, GET /contests/{slug}/entries sorted every approved entry of
-- the contest on each request (ORDER BY CASE ... hashtextextended(id,
-- seed) for the shuffle) and skipped up to 100,000 rows with OFFSET, so a
-- client chose what a page cost.  Now pages are keyset pages (cgi/gallery.h):
--   sort=new      (contest, id) walked backwards from the cursor's id;
--   sort=votes    entry_stats' existing (contest, votes DESC, entry) indexes
--                 (003), from the cursor's (votes, id);
--   sort=shuffle  a random shuffle_key given to each entry at insert and
--                 indexed per contest; a visitor's seed picks an order of
--                 64 key ranges and a pivot in each (gallery.c), each range
--                 read in index order, so no request sorts the contest.
-- Each order has an index per filter the gallery offers (none, category,
-- unit), partial on approved entries: only moderation and withdrawals
-- write them, never a vote.

SET search_path = netdep, pg_catalog;

-- A volatile default: existing rows each get their own key in the rewrite.
ALTER TABLE entries ADD COLUMN shuffle_key integer NOT NULL
    DEFAULT floor(random() * 2147483648)::integer
    CHECK (shuffle_key >= 0);

CREATE INDEX entries_gallery_new_idx
    ON entries (contest_id, id) WHERE status = 'approved';
CREATE INDEX entries_gallery_new_category_idx
    ON entries (contest_id, category_id, id) WHERE status = 'approved';
CREATE INDEX entries_gallery_new_unit_idx
    ON entries (contest_id, unit, id) WHERE status = 'approved';
CREATE INDEX entries_gallery_shuffle_idx
    ON entries (contest_id, shuffle_key, id) WHERE status = 'approved';
CREATE INDEX entries_gallery_shuffle_category_idx
    ON entries (contest_id, category_id, shuffle_key, id)
    WHERE status = 'approved';
CREATE INDEX entries_gallery_shuffle_unit_idx
    ON entries (contest_id, unit, shuffle_key, id) WHERE status = 'approved';

-- Table-level grants of 001 cover the new column.
