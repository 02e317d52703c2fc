-- 014_search.sql: search that understands Vietnamese (issue 15, part 2).
--
-- 1. One spelling per text.  Vietnamese reaches the server precomposed
--    and decomposed ("Hoà" as U+00E0 or as "a" + U+0300), so one name
--    could be two strings.  The C input layer now normalises every text
--    field to NFC (cgi/text.c); this brings the rows already stored to NFC
--    too.  Usernames are ASCII by the CHECK of 001 (so NFC leaves them as
--    they are) and unique on lower(username), which for ASCII is the case
--    folding; should two of them ever fold to one key anyway, this
--    migration stops and names them instead of merging two accounts: an
--    operator renames one (netdep-admin) and migrates again.
--
-- 2. A public entry number per contest: "vote for photo number 123".
--    contests.entry_seq is the contest's counter; a BEFORE INSERT trigger
--    (sql/functions/075_search.sql) bumps it under the contest row's lock
--    and gives the entry the next number, so numbers are sequential per
--    contest and never reused, not even after a withdrawal or a deletion
--    (the counter never goes down).  Existing entries are numbered here by
--    creation order.
--
-- 3. entries.search_fold: number, title, author's name and unit, folded
--    (netdep.fold: no case, no diacritics, đ -> d) with every run of
--    non-alphanumerics as one space, between spaces.  The trigger of
--    075_search.sql keeps it; a trigram GIN index over it, partial on
--    approved entries (what the public may find), serves LIKE '% word%'
--    (a word prefix) and the typo-tolerant <% (word_similarity).  It is a
--    plain column, not an index expression on netdep.fold(), which
--    000_reset.sql would refuse.  The backfill below spells fold() out,
--    as no netdep function exists while migrations run.

SET search_path = netdep, pg_catalog;

-- 1. NFC ------------------------------------------------------------------

DO $$
DECLARE
	clash text;
BEGIN
	SELECT string_agg(names, '; ') INTO clash
	  FROM (SELECT string_agg(username, ', ' ORDER BY id) AS names
	          FROM accounts
	         GROUP BY lower(normalize(username, NFC))
	        HAVING count(*) > 1) d;
	IF clash IS NOT NULL THEN
		RAISE EXCEPTION 'usernames equal after NFC and case folding: %; rename all but one of each (netdep-admin) and migrate again', clash;
	END IF;
END
$$;

UPDATE accounts SET display_name = normalize(display_name, NFC)
 WHERE display_name IS NOT NFC NORMALIZED;
UPDATE accounts SET unit = normalize(unit, NFC)
 WHERE unit IS NOT NFC NORMALIZED;
UPDATE contests SET title = normalize(title, NFC)
 WHERE title IS NOT NFC NORMALIZED;
UPDATE contests SET rules = normalize(rules, NFC)
 WHERE rules IS NOT NFC NORMALIZED;
UPDATE categories SET name = normalize(name, NFC)
 WHERE name IS NOT NFC NORMALIZED;
UPDATE criteria SET name = normalize(name, NFC)
 WHERE name IS NOT NFC NORMALIZED;
UPDATE entries SET title = normalize(title, NFC)
 WHERE title IS NOT NFC NORMALIZED;
UPDATE entries SET caption = normalize(caption, NFC)
 WHERE caption IS NOT NFC NORMALIZED;
UPDATE entries SET unit = normalize(unit, NFC)
 WHERE unit IS NOT NFC NORMALIZED;
UPDATE entries SET reject_reason = normalize(reject_reason, NFC)
 WHERE reject_reason IS NOT NFC NORMALIZED;
UPDATE entry_stats SET unit = normalize(unit, NFC)
 WHERE unit IS NOT NFC NORMALIZED;
UPDATE score_comments SET comment = normalize(comment, NFC)
 WHERE comment IS NOT NFC NORMALIZED;
-- The per-unit counts are keyed by the name: two spellings of one unit
-- become one row, their counts added.
WITH d AS (DELETE FROM unit_voters WHERE name IS NOT NFC NORMALIZED
           RETURNING *)
INSERT INTO unit_voters AS v (contest_id, level, name, voter_id, votes)
SELECT contest_id, level, normalize(name, NFC), voter_id, sum(votes)
  FROM d GROUP BY 1, 2, 3, 4
ON CONFLICT (contest_id, level, name, voter_id)
DO UPDATE SET votes = v.votes + EXCLUDED.votes;
WITH d AS (DELETE FROM unit_stats WHERE name IS NOT NFC NORMALIZED
           RETURNING *)
INSERT INTO unit_stats AS s (contest_id, level, name, entries, votes, voters)
SELECT contest_id, level, normalize(name, NFC), sum(entries), sum(votes), 0
  FROM d GROUP BY 1, 2, 3
ON CONFLICT (contest_id, level, name)
DO UPDATE SET entries = s.entries + EXCLUDED.entries,
              votes = s.votes + EXCLUDED.votes;
UPDATE unit_stats s
   SET voters = (SELECT count(*) FROM unit_voters v
                  WHERE v.contest_id = s.contest_id AND v.level = s.level
                    AND v.name = s.name AND v.votes > 0)
 WHERE s.name !~ '^[ -~]*$';
UPDATE unit_entry_changes SET name = normalize(name, NFC)
 WHERE name IS NOT NFC NORMALIZED;

-- 2. Entry numbers --------------------------------------------------------

ALTER TABLE contests ADD COLUMN entry_seq integer NOT NULL DEFAULT 0
    CHECK (entry_seq >= 0);
ALTER TABLE entries ADD COLUMN number integer CHECK (number > 0);
UPDATE entries e SET number = n.rn
  FROM (SELECT id, row_number() OVER (PARTITION BY contest_id
                                      ORDER BY created_at, id) AS rn
          FROM entries) n
 WHERE n.id = e.id;
UPDATE contests c SET entry_seq = m.mx
  FROM (SELECT contest_id, max(number) AS mx FROM entries GROUP BY 1) m
 WHERE m.contest_id = c.id;
ALTER TABLE entries ALTER COLUMN number SET NOT NULL;
CREATE UNIQUE INDEX entries_number_key ON entries (contest_id, number);

-- 3. The folded search text -----------------------------------------------

ALTER TABLE entries ADD COLUMN search_fold text NOT NULL DEFAULT '';
UPDATE entries e
   SET search_fold = ' ' || btrim(regexp_replace(lower(ext.unaccent(
           'ext.unaccent'::regdictionary, normalize(concat_ws(' ',
           e.number::text, e.title, a.display_name, a.unit,
           nullif(e.unit, '')), NFC))),
           '[^[:alnum:]]+', ' ', 'g')) || ' '
  FROM accounts a
 WHERE a.id = e.account_id;
CREATE INDEX entries_search_idx ON entries
    USING gin (search_fold ext.gin_trgm_ops) WHERE status = 'approved';

-- Table-level grants of 001 cover the new columns.
