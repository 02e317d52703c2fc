-- 075_search.sql: entry numbers and the folded search text (issue 15,
-- part 2; tables in migration 014_search.sql).
-- Re-applied on every start (see sql/README.md); edit in place.

SET search_path = netdep, pg_catalog;

-- The search key of a text: folded (fold(): NFC, no diacritics, no case,
-- đ -> d), every run of characters other than letters and digits one
-- space, no outer space.  "Nguyễn Thị Hà," and "nguyen  thi ha" give one
-- key.  Queries and stored texts go through this one function.
CREATE FUNCTION search_key(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN btrim(regexp_replace(fold(t), '[^[:alnum:]]+', ' ', 'g'));

-- The LIKE pattern of a query: a word that starts with the query's key
-- (the stored text is between spaces), LIKE's own characters escaped.
-- '% nguyen thi%' carries whole trigrams even for a one-letter query
-- (pg_trgm pads a word's start), so the trigram index serves it.
CREATE FUNCTION search_like(q text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN '% ' || replace(replace(replace(search_key(q), '\', '\\'), '%', '\%'),
                       '_', '\_') || '%';

-- The entry number a query names: digits only (after folding, so "#12"
-- and "12" both), at most 9 of them; else NULL.
CREATE FUNCTION search_number(q text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN CASE WHEN search_key(q) ~ '^[0-9]{1,9}$' THEN search_key(q)::integer
       END;

-- What a search finds of an entry's author: the display name and the
-- unit the account has today.  The one place to extend when the author
-- gains more names (the unit tree's names and short names, issue 15
-- part 1): entry_search_fold() and the accounts trigger below follow.
CREATE FUNCTION author_search_text(p_account bigint) RETURNS text
LANGUAGE sql STABLE
RETURN (SELECT concat_ws(' ', a.display_name, a.unit) FROM accounts a
         WHERE a.id = p_account);

-- entries.author_key (migration 021): the author's display name as a
-- search key, for the btree that serves the names searched most.
CREATE FUNCTION author_key(p_account bigint) RETURNS text
LANGUAGE sql STABLE
RETURN (SELECT search_key(a.display_name) FROM accounts a
         WHERE a.id = p_account);

-- entries.search_fold: number, title, the author's names and the entry's
-- own unit (its snapshot at upload) when it differs, as one search key
-- between spaces.
CREATE FUNCTION entry_search_fold(p_number integer, p_title text,
                                  p_unit text, p_account bigint)
RETURNS text
LANGUAGE sql STABLE
RETURN ' ' || search_key(concat_ws(' ', p_number::text, p_title,
                                   author_search_text(p_account),
                                   nullif(p_unit, ''))) || ' ';

-- Before an entry is inserted: its number, the contest's next (the
-- UPDATE locks the contest row until the transaction ends, so concurrent
-- uploads take numbers one after the other; a rolled-back upload gives
-- its number back with the counter, a committed one never).  A number
-- given (a bulk load) moves the counter past it.  Then, on insert and on
-- any change of what it is made of, the folded search text.
CREATE FUNCTION entries_search_sync() RETURNS trigger
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		IF NEW.number IS NULL THEN
			UPDATE contests SET entry_seq = entry_seq + 1
			 WHERE id = NEW.contest_id
			RETURNING entry_seq INTO NEW.number;
		ELSE
			UPDATE contests SET entry_seq = NEW.number
			 WHERE id = NEW.contest_id AND entry_seq < NEW.number;
		END IF;
	ELSIF NEW.number <> OLD.number THEN
		RAISE EXCEPTION 'an entry keeps its number (entry %)', OLD.id;
	END IF;
	NEW.search_fold := entry_search_fold(NEW.number, NEW.title, NEW.unit,
	                                     NEW.account_id);
	NEW.author_key := author_key(NEW.account_id);
	RETURN NEW;
END
$$;

CREATE TRIGGER entries_search_sync
    BEFORE INSERT OR UPDATE OF number, title, unit, account_id ON entries
    FOR EACH ROW EXECUTE FUNCTION entries_search_sync();

-- An author renamed or moved: the search text of each of their entries.
CREATE FUNCTION accounts_search_sync() RETURNS trigger
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
BEGIN
	UPDATE entries e
	   SET search_fold = entry_search_fold(e.number, e.title, e.unit,
	                                       e.account_id),
	       author_key = author_key(e.account_id)
	 WHERE e.account_id = NEW.id;
	RETURN NULL;
END
$$;

CREATE TRIGGER accounts_search_sync
    AFTER UPDATE OF display_name, unit ON accounts
    FOR EACH ROW
    WHEN ((OLD.display_name, OLD.unit) IS DISTINCT FROM
          (NEW.display_name, NEW.unit))
    EXECUTE FUNCTION accounts_search_sync();

-- The LIKE pattern of a query as whole words: '% nguyen thi ha %'.
CREATE FUNCTION search_word(q text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN search_like(q) || ' %';

-- The approved entries of contest p_contest that query p_q finds, as
-- (id, kind, sim, number), unranked: kind 0 the entry whose number p_q
-- is (the unique (contest, number) index); kind 1 those with a word that
-- starts with p_q's key (LIKE '% key%'), sim 1 when the key is whole
-- words there, else 0.5 (a LIKE per row: cheap): first those whose
-- author's name starts with the key, from a range of the btree
-- entries_author_key_idx (migration 021: a few pages however crowded the
-- name), then, only when those are fewer than p_cap, the rest from the
-- trigram index (which reads every entry of each of the key's trigrams,
-- 30 ms for "nguyen thi ha" at 1,000,000 entries); kind 2, only for a
-- query that is not a number and when kind 1 found fewer than p_want,
-- those with a word like the key within pg_trgm's word similarity (<%:
-- a typo), sim the similarity (costly per row, so only then).  Each kind
-- at most p_cap rows.  Kinds 1 and 2 read only the trigram index
-- entries_search_idx: "contest_id + 0" keeps the contest's btrees away
-- (walking a contest with the text as a filter, hoping to meet p_cap
-- matches soon, reads all of it when the words are rare) and
-- enable_seqscan off the table scan that hope also tempts the planner
-- with; so a query never scans the entries, whatever its words.  Each
-- key of p_q is a scalar subquery, computed once: a SQL function's
-- statements see p_q as a parameter, so search_key(p_q) in a row's
-- expression (the rank, a recheck, a filter) would fold the query again
-- for every candidate (unaccent and a regexp each: 35 us, 7 ms for 200
-- candidates, more than the whole index work).  The caller
-- (cgi/db_search.c) ranks and shows them.
CREATE FUNCTION entry_search(p_contest bigint, p_q text, p_cap integer,
                             p_want integer)
RETURNS TABLE (id bigint, kind integer, sim real, number integer)
LANGUAGE sql STABLE
SET search_path = netdep, ext, pg_catalog
SET enable_seqscan = off
BEGIN ATOMIC
	WITH n AS MATERIALIZED (
		SELECT x.id, 1 AS kind,
		       CASE WHEN x.search_fold LIKE (SELECT search_word(p_q))
		            THEN 1::real ELSE 0.5::real END AS sim, x.number
		  FROM entries x
		 WHERE x.contest_id = p_contest AND x.status = 'approved'
		   AND (SELECT search_key(p_q)) <> '' AND x.author_key <> ''
		   AND x.author_key COLLATE "C" >= (SELECT search_key(p_q))
		   AND x.author_key COLLATE "C" <
		       (SELECT search_key(p_q) || chr(1114111))
		   AND left(x.author_key, (SELECT length(search_key(p_q)))) =
		       (SELECT search_key(p_q))
		 LIMIT p_cap),
	p AS MATERIALIZED (
		SELECT * FROM n
		UNION ALL
		(SELECT x.id, 1 AS kind,
		        CASE WHEN x.search_fold LIKE (SELECT search_word(p_q))
		             THEN 1::real ELSE 0.5::real END AS sim, x.number
		   FROM entries x
		  WHERE (SELECT count(*) FROM n) < p_cap
		    AND x.contest_id + 0 = p_contest AND x.status = 'approved'
		    AND (SELECT search_key(p_q)) <> ''
		    AND x.search_fold LIKE (SELECT search_like(p_q))
		  LIMIT p_cap))
	(SELECT x.id, 0, 1::real, x.number FROM entries x
	  WHERE x.contest_id = p_contest AND x.status = 'approved'
	    AND x.number = (SELECT search_number(p_q)))
	UNION ALL
	SELECT * FROM p
	UNION ALL
	(SELECT x.id, 2, ext.word_similarity((SELECT search_key(p_q)),
	                                     x.search_fold), x.number
	   FROM entries x
	  WHERE (SELECT count(*) FROM p) < p_want
	    AND (SELECT search_number(p_q)) IS NULL
	    AND x.contest_id + 0 = p_contest AND x.status = 'approved'
	    AND (SELECT search_key(p_q)) <> ''
	    AND (SELECT search_key(p_q)) OPERATOR(ext.<%) x.search_fold
	  LIMIT p_cap);
END;
