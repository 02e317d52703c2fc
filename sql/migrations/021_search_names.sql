-- 021_search_names.sql: the unit tree's names in NFC, and a btree for
-- the names searched most (issue 15, part 2).
--
-- 1. 014_search.sql brought every stored text to NFC but the unit tree of
-- 013_units.sql: units imported from a CSV saved on a Mac (or typed with
-- a composite-Unicode keyboard) kept their decomposed names, so "Hoà"
-- could be two strings on the boards and in the type-ahead.  unit_import()
-- (sql/functions/080_units.sql) now normalises what it stores; this
-- brings the rows already there to NFC.  name_fold needs nothing: fold()
-- normalises before folding, so it is the same for both spellings.
--
-- 2. entries.author_key: the author's display name as search_key()
--    gives it (075_search.sql: folded, punctuation one space), kept by the
--    triggers that keep search_fold, with a btree per contest on approved
--    entries.  A voter types a name ("nguyen thi ha"), and a common name
--    has thousands of entries in a large contest: the trigram index finds
--    them only by reading every entry of each of the query's trigrams
--    ("ngu", " th", "  h"…: a tenth of the contest each), 30 ms at
--    1,000,000 entries, while a range of this btree gives the first
--    candidates whose name starts with the query in a few page reads
--    (entry_search()).  COLLATE "C": a prefix is a byte range.  The
--    predicate names author_key so that only a statement about the name
--    may use the index (a partial index whose predicate a query implies
--    is also a way to read every approved entry: the planner took it
--    for the trigram pass of a small contest).  The backfill spells
--    fold() out, as 014 does.

SET search_path = netdep, pg_catalog;

-- 1. Unit names in NFC -----------------------------------------------------

UPDATE units SET name = normalize(name, NFC)
 WHERE name IS NOT NFC NORMALIZED;
UPDATE units SET short_name = normalize(short_name, NFC)
 WHERE short_name IS NOT NFC NORMALIZED;

-- 2. The author's name key -------------------------------------------------

ALTER TABLE entries ADD COLUMN author_key text NOT NULL DEFAULT '';
UPDATE entries e
   SET author_key = btrim(regexp_replace(lower(ext.unaccent(
           'ext.unaccent'::regdictionary, normalize(a.display_name, NFC))),
           '[^[:alnum:]]+', ' ', 'g'))
  FROM accounts a
 WHERE a.id = e.account_id;
CREATE INDEX entries_author_key_idx ON entries
    (contest_id, author_key COLLATE "C")
    WHERE status = 'approved' AND author_key <> '';
