-- 080_units.sql: the unit tree (issue 15): its search key, the keys an
-- entry counts under, the level boards, import and export, mapping the
-- free-text names of unlisted units to nodes.
-- Re-applied on every start (see sql/README.md); edit in place.

SET search_path = netdep, pg_catalog;

-- units.name_fold: the search key of the type-ahead (GIN trigram index
-- in 013_units.sql; an index may not call fold() itself).
CREATE FUNCTION units_fold() RETURNS trigger
LANGUAGE plpgsql SET search_path = netdep, ext, pg_catalog AS $$
BEGIN
	NEW.name_fold := fold(btrim(NEW.name || ' ' || NEW.short_name));
	RETURN NEW;
END
$$;

CREATE TRIGGER units_fold BEFORE INSERT OR UPDATE OF name, short_name
    ON units FOR EACH ROW EXECUTE FUNCTION units_fold();

-- The board keys an entry of node p_unit (or, unmapped, of free-text
-- name p_name) counts under: its node and every ancestor below the
-- centre, each at its level (province, grassroots, branch); an unmapped
-- entry counts in the "other" row and under its own name.
CREATE FUNCTION unit_keys(p_unit bigint, p_name text)
RETURNS TABLE (level text, name text)
LANGUAGE sql STABLE
AS $$
	SELECT u.level, u.id::text
	  FROM unit_ancestors x JOIN units u ON u.id = x.ancestor_id
	 WHERE p_unit IS NOT NULL AND x.unit_id = p_unit
	   AND u.level <> 'centre'
	UNION ALL
	SELECT v.l, v.n
	  FROM (VALUES ('other', ''), ('unmapped', coalesce(p_name, ''))) v(l, n)
	 WHERE p_unit IS NULL
$$;

-- The organiser's name when account p_account may not enter contest
-- p_contest: the contest names an organising unit, is not open to all,
-- and the account's unit is not in that unit's subtree.  NULL: may enter.
CREATE FUNCTION unit_outside(p_contest bigint, p_account bigint) RETURNS text
LANGUAGE sql STABLE
RETURN (SELECT u.name FROM contests c JOIN units u ON u.id = c.unit_id
         WHERE c.id = p_contest AND NOT c.open_to_all
           AND NOT EXISTS (SELECT 1 FROM accounts a
                             JOIN unit_ancestors x ON x.unit_id = a.unit_id
                            WHERE a.id = p_account
                              AND x.ancestor_id = c.unit_id));

-- The day a contest is seen at: its last window's end, or today.
CREATE FUNCTION contest_day(c contests) RETURNS date
LANGUAGE sql STABLE
RETURN (coalesce(c.vote_until, c.submit_until, now())
        AT TIME ZONE 'Asia/Ho_Chi_Minh')::date;

-- Members of unit p_unit on day p_day: the latest figure on or before it,
-- else the earliest one (NULL when none was imported).
CREATE FUNCTION unit_members_on(p_unit bigint, p_day date) RETURNS integer
LANGUAGE sql STABLE
RETURN coalesce(
	(SELECT m.members FROM unit_members m
	  WHERE m.unit_id = p_unit AND m.as_of <= p_day
	  ORDER BY m.as_of DESC LIMIT 1),
	(SELECT m.members FROM unit_members m
	  WHERE m.unit_id = p_unit ORDER BY m.as_of LIMIT 1));

-- A unit in short: what a list shows.
CREATE FUNCTION unit_brief(u units) RETURNS jsonb
LANGUAGE sql STABLE
RETURN jsonb_build_object('code', u.code, 'name', u.name,
	'short_name', u.short_name, 'kind', u.kind, 'level', u.level,
	'valid_from', u.valid_from, 'valid_to', u.valid_to,
	'parent', (SELECT jsonb_build_object('code', p.code, 'name', p.name)
	             FROM units p WHERE p.id = u.parent_id),
	'successors', coalesce((SELECT jsonb_agg(jsonb_build_object(
	        'code', s.code, 'name', s.name) ORDER BY s.name)
	      FROM unit_successors l JOIN units s ON s.id = l.successor_id
	     WHERE l.unit_id = u.id), '[]'));

-- One unit for GET /units/{code}: its ancestors (root first), children
-- valid on p_on (NULL: all), successors, predecessors, and the chain of
-- successors followed to units still valid ("Tỉnh đoàn Hải Dương ->
-- Thành đoàn Hải Phòng").  NULL: no such code.
CREATE FUNCTION unit_show(p_code text, p_on date) RETURNS jsonb
LANGUAGE sql STABLE
RETURN (SELECT unit_brief(u) || jsonb_build_object(
	'ancestors', coalesce((SELECT jsonb_agg(jsonb_build_object('code',
	        a.code, 'name', a.name, 'kind', a.kind) ORDER BY x.depth DESC)
	      FROM unit_ancestors x JOIN units a ON a.id = x.ancestor_id
	     WHERE x.unit_id = u.id AND x.depth > 0), '[]'),
	'children', coalesce((SELECT jsonb_agg(jsonb_build_object('code',
	        k.code, 'name', k.name, 'kind', k.kind, 'valid_to', k.valid_to)
	        ORDER BY k.name)
	      FROM units k WHERE k.parent_id = u.id
	       AND (p_on IS NULL OR ((k.valid_from IS NULL OR k.valid_from <= p_on)
	            AND (k.valid_to IS NULL OR k.valid_to >= p_on)))), '[]'),
	'predecessors', coalesce((SELECT jsonb_agg(jsonb_build_object('code',
	        s.code, 'name', s.name, 'valid_to', s.valid_to) ORDER BY s.name)
	      FROM unit_successors l JOIN units s ON s.id = l.unit_id
	     WHERE l.successor_id = u.id), '[]'),
	'current', coalesce((WITH RECURSIVE f(id, hops) AS (
	        SELECT l.successor_id, 1 FROM unit_successors l
	         WHERE l.unit_id = u.id
	        UNION
	        SELECT l.successor_id, f.hops + 1 FROM f
	          JOIN unit_successors l ON l.unit_id = f.id WHERE f.hops < 16)
	      SELECT jsonb_agg(DISTINCT jsonb_build_object('code', s.code,
	             'name', s.name))
	        FROM f JOIN units s ON s.id = f.id
	       WHERE s.valid_to IS NULL OR s.valid_to >= current_date), '[]'),
	'members', unit_members_on(u.id, coalesce(p_on, current_date)))
	  FROM units u WHERE u.code = p_code);

-- May the type-ahead offer unit u: valid on day p_on and, p_within
-- given, in the subtree of that unit code?
CREATE FUNCTION unit_offered(u units, p_on date, p_within text)
RETURNS boolean
LANGUAGE sql STABLE
RETURN (u.valid_from IS NULL OR u.valid_from <= p_on)
   AND (u.valid_to IS NULL OR u.valid_to >= p_on)
   AND (p_within IS NULL OR EXISTS (
         SELECT 1 FROM unit_ancestors x JOIN units w ON w.id = x.ancestor_id
          WHERE x.unit_id = u.id AND w.code = p_within));

-- The type-ahead: units valid on p_on whose name (or short name) holds
-- p_q without regard to case and diacritics ("phuong le thanh nghi",
-- "HẢI PHÒNG"), optionally only within the subtree of unit p_within; when
-- no name holds it, the names nearest to it (a typo: word similarity).
-- Served by the trigram index on units.name_fold either way.
-- The nearness bar is 0.75 (pg_trgm's default 0.6 lets every name that
-- shares "chi đoàn" or "phường" through the index: 50,000 rechecks and
-- 1.8 s against 30 ms at 50,000 units; one typo still scores above 0.8).
CREATE FUNCTION unit_search(p_q text, p_on date, p_within text,
                            p_limit integer) RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = netdep, ext, pg_catalog
SET pg_trgm.word_similarity_threshold = 0.75 AS $$
DECLARE
	k   text := fold(btrim(p_q));
	pat text;
	out jsonb;
BEGIN
	-- Under two characters no trigram narrows the search: nothing.
	IF char_length(k) < 2 THEN
		RETURN '[]';
	END IF;
	pat := '%' || replace(replace(replace(k, '\', '\\'), '%', '\%'), '_',
	                      '\_') || '%';
	SELECT coalesce(jsonb_agg(x.j ORDER BY x.pos, x.name), '[]')
	  INTO out
	  FROM (SELECT unit_brief(u) AS j, u.name,
	               strpos(u.name_fold, k) AS pos
	          FROM units u
	         WHERE u.name_fold LIKE pat
	           AND unit_offered(u, p_on, p_within)
	         ORDER BY strpos(u.name_fold, k), u.name
	         LIMIT p_limit) x;
	IF jsonb_array_length(out) > 0 THEN
		RETURN out;
	END IF;
	SELECT coalesce(jsonb_agg(x.j ORDER BY x.sim DESC, x.name), '[]')
	  INTO out
	  FROM (SELECT unit_brief(u) AS j, u.name,
	               word_similarity(k, u.name_fold) AS sim
	          FROM units u
	         WHERE k <% u.name_fold
	           AND unit_offered(u, p_on, p_within)
	         ORDER BY word_similarity(k, u.name_fold) DESC, u.name
	         LIMIT p_limit) x;
	RETURN out;
END
$$;

-- A level board of contest p_contest (level province, grassroots or
-- branch): the units with approved entries and their entries, valid
-- votes, distinct voters, participants (distinct entrants), members on
-- the contest's day and participants per 100 members; ranked by votes
-- (top p_limit straight from unit_stats_board_idx) or, p_by_rate, by
-- participants per 100 members (units without a membership figure
-- last).  "other" is the row of unmapped entries with their names, the
-- 50 with most votes (NULL when there is none).
CREATE FUNCTION unit_board(p_contest bigint, p_level text,
                           p_by_rate boolean, p_limit integer) RETURNS jsonb
LANGUAGE sql STABLE
RETURN (
	WITH d AS (SELECT contest_day(c) AS day FROM contests c
	            WHERE c.id = p_contest),
	s AS (
		SELECT t.* FROM (SELECT s.name, s.entries, s.votes, s.voters,
		                        s.participants
		                   FROM unit_stats s
		                  WHERE s.contest_id = p_contest
		                    AND s.level = p_level AND s.entries > 0
		                    AND NOT p_by_rate
		                  ORDER BY s.votes DESC, s.name LIMIT p_limit) t
		UNION ALL
		SELECT s.name, s.entries, s.votes, s.voters, s.participants
		  FROM unit_stats s
		 WHERE s.contest_id = p_contest AND s.level = p_level
		   AND s.entries > 0 AND p_by_rate
	), r AS (
		SELECT s.*, u, m.members,
		       CASE WHEN m.members > 0
		            THEN round(s.participants * 100.0 / m.members, 2)
		       END AS rate
		  FROM s JOIN units u ON u.id = s.name::bigint,
		       LATERAL (SELECT unit_members_on(u.id, (SELECT day FROM d))
		                       AS members) m
	), k AS (
		SELECT r.*, CASE WHEN p_by_rate
		                 THEN rank() OVER (ORDER BY r.rate DESC NULLS LAST)
		                 ELSE rank() OVER (ORDER BY r.votes DESC) END AS rk
		  FROM r
		 ORDER BY CASE WHEN p_by_rate THEN r.rate END DESC NULLS LAST,
		          r.votes DESC, (r.u).name
		 LIMIT p_limit
	)
	SELECT jsonb_build_object(
		'units', coalesce((SELECT jsonb_agg(unit_brief(k.u)
		        || jsonb_build_object('rank', k.rk, 'entries', k.entries,
		           'votes', k.votes, 'voters', k.voters,
		           'participants', k.participants, 'members', k.members,
		           'per_100_members', k.rate)
		        ORDER BY k.rk, (k.u).name) FROM k), '[]'),
		'other', (SELECT jsonb_build_object('entries', o.entries,
		        'votes', o.votes, 'voters', o.voters,
		        'participants', o.participants,
		        'names', coalesce((SELECT jsonb_agg(jsonb_build_object(
		                'name', n.name, 'entries', n.entries,
		                'votes', n.votes) ORDER BY n.votes DESC, n.name)
		              FROM (SELECT * FROM unit_stats n
		                     WHERE n.contest_id = p_contest
		                       AND n.level = 'unmapped' AND n.entries > 0
		                     ORDER BY n.votes DESC, n.name LIMIT 50) n),
		              '[]'))
		    FROM unit_stats o
		   WHERE o.contest_id = p_contest AND o.level = 'other'
		     AND o.entries > 0)));

-- Recounts the unit rows of contest p_contest after entries moved between
-- keys (a name mapped to a node, a unit moved in the tree).  Under the
-- folder's lock, one statement's snapshot sees the votes V and the queue
-- Q (a vote and its queue row commit together): the folded state is V - Q,
-- and the folder adds Q afterwards under the keys of its time.  Queued
-- entry changes carry their keys: they are subtracted under those keys.
CREATE FUNCTION unit_stats_rebuild(p_contest bigint) RETURNS void
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
BEGIN
	PERFORM pg_advisory_xact_lock(hashtext('netdep.vote_fold'));
	DELETE FROM unit_voters WHERE contest_id = p_contest;
	DELETE FROM unit_participants WHERE contest_id = p_contest;
	DELETE FROM unit_stats WHERE contest_id = p_contest;
	WITH vv AS (
		SELECT k.level, k.name, x.voter_id, sum(x.n) AS n
		  FROM (SELECT v.entry_id, v.voter_id, 1 AS n FROM votes v
		         WHERE v.contest_id = p_contest AND v.voided_at IS NULL
		        UNION ALL
		        SELECT q.entry_id, v.voter_id, -v.delta
		          FROM vote_changes q JOIN entries y ON y.id = q.entry_id,
		               queue_voters(q.voters, q.voter_id, q.delta) v
		         WHERE y.contest_id = p_contest) x
		  JOIN entries e ON e.id = x.entry_id,
		       LATERAL unit_keys(e.unit_id, e.unit) k
		 GROUP BY 1, 2, 3 HAVING sum(x.n) <> 0
	), pp AS (
		SELECT z.level, z.name, z.account_id, sum(z.n) AS n
		  FROM (SELECT k.level, k.name, s.account_id, 1 AS n
		          FROM entry_stats s, LATERAL unit_keys(s.unit_id, s.unit) k
		         WHERE s.contest_id = p_contest AND s.approved
		        UNION ALL
		        SELECT c.level, c.name, c.account_id, -c.delta
		          FROM unit_entry_changes c
		         WHERE c.contest_id = p_contest) z
		 GROUP BY 1, 2, 3 HAVING sum(z.n) <> 0
	), vi AS (
		INSERT INTO unit_voters (contest_id, level, name, voter_id, votes)
		SELECT p_contest, level, name, voter_id, n FROM vv
	), pi AS (
		INSERT INTO unit_participants (contest_id, level, name, account_id,
		                               entries)
		SELECT p_contest, level, name, account_id, n FROM pp
	)
	INSERT INTO unit_stats (contest_id, level, name, votes, voters, entries,
	                        participants)
	SELECT p_contest, level, name, sum(v), sum(vr), sum(en), sum(pa)
	  FROM (SELECT level, name, n AS v, (n > 0)::int AS vr, 0 AS en,
	               0 AS pa FROM vv
	        UNION ALL
	        SELECT level, name, 0, 0, n, (n > 0)::int FROM pp) z
	 GROUP BY level, name;
	INSERT INTO fold_state AS f (contest_id, folded_at)
	VALUES (p_contest, now())
	ON CONFLICT (contest_id) DO UPDATE SET folded_at = now();
END
$$;

-- A date as a spreadsheet saves it: 2025-06-30 or 30/06/2025.  NULL for
-- an empty text; raises for anything else.
CREATE FUNCTION unit_csv_date(t text) RETURNS date
LANGUAGE plpgsql IMMUTABLE SET search_path = netdep, pg_catalog AS $$
BEGIN
	t := btrim(coalesce(t, ''));
	IF t = '' THEN
		RETURN NULL;
	ELSIF t ~ '^\d{4}-\d{1,2}-\d{1,2}$' THEN
		RETURN to_date(t, 'YYYY-MM-DD');
	ELSIF t ~ '^\d{1,2}/\d{1,2}/\d{4}$' THEN
		RETURN to_date(t, 'DD/MM/YYYY');
	END IF;
	RAISE EXCEPTION 'bad date';
END
$$;

-- The checked rows of an import as a table (the app role may not make
-- temporary tables).
CREATE FUNCTION unit_import_rows(p jsonb) RETURNS TABLE (
	line integer, code text, name text, short_name text, kind text,
	parent text, valid_from date, valid_to date, successors text[],
	members integer, members_as_of date)
LANGUAGE sql IMMUTABLE
AS $$
	SELECT (x ->> 'line')::integer, x ->> 'code', x ->> 'name',
	       x ->> 'short_name', x ->> 'kind', x ->> 'parent',
	       (x ->> 'valid_from')::date, (x ->> 'valid_to')::date,
	       ARRAY(SELECT jsonb_array_elements_text(x -> 'successors')),
	       (x ->> 'members')::integer, (x ->> 'members_as_of')::date
	  FROM jsonb_array_elements(p) x
$$;

-- Imports the unit rows p_rows (a JSON array of objects with the line
-- number and the CSV's cells: code, name, short_name, kind, parent,
-- valid_from, valid_to, successors, members, members_as_of) in one go:
-- every line is checked first and, if any is bad, nothing is written and
-- the answer lists each bad line ({"errors": [{"line", "message"}]}).
-- Otherwise units are created or updated by code (a unit not in the file
-- stays), each listed unit's successors become exactly the listed ones,
-- membership figures are set for their date (members_as_of, else
-- valid_from, else "always"), the closure is rebuilt and the boards of
-- contests whose entries moved in the tree are recounted.  Importing the
-- same file twice changes nothing the second time.
CREATE FUNCTION unit_import(p_rows jsonb, p_actor bigint, p_name text,
                            p_ip text) RETURNS jsonb
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
DECLARE
	r        record;
	errs     jsonb := '[]';
	good     jsonb := '[]';
	codes    text[];
	n_new    integer := 0;
	n_upd    integer := 0;
	n_same   integer := 0;
	d_from   date;
	d_to     date;
	d_as     date;
	sc       text;
	moved    bigint[];
BEGIN
	SELECT array_agg(lower(btrim(x ->> 'code'))) INTO codes
	  FROM jsonb_array_elements(p_rows) x;
	FOR r IN SELECT (x ->> 'line')::integer AS line,
	                lower(btrim(coalesce(x ->> 'code', ''))) AS code,
	                -- One spelling per name (issue 15): a CSV from a
	                -- Mac or a composite-Unicode keyboard is NFD.
	                normalize(btrim(coalesce(x ->> 'name', '')), NFC)
	                    AS name,
	                normalize(btrim(coalesce(x ->> 'short_name', '')), NFC)
	                    AS short_name,
	                lower(btrim(coalesce(x ->> 'kind', ''))) AS kind,
	                lower(btrim(coalesce(x ->> 'parent', ''))) AS parent,
	                x ->> 'valid_from' AS vf, x ->> 'valid_to' AS vt,
	                btrim(coalesce(x ->> 'successors', '')) AS succ,
	                btrim(coalesce(x ->> 'members', '')) AS members,
	                x ->> 'members_as_of' AS mas
	           FROM jsonb_array_elements(p_rows) x
	LOOP
		DECLARE
			why  text[] := '{}';
			succ text[];
		BEGIN
			IF r.code !~ '^[a-z0-9][a-z0-9._-]{0,63}$' THEN
				why := why || format('mã đơn vị "%s" không hợp lệ (chữ không dấu, số, . _ -; tối đa 64 ký tự)', r.code);
			ELSIF (SELECT count(*) FROM unnest(codes) c WHERE c = r.code) > 1 THEN
				why := why || format('mã %s có ở nhiều dòng', r.code);
			END IF;
			IF char_length(r.name) NOT BETWEEN 1 AND 200 THEN
				why := why || 'tên đơn vị phải có 1–200 ký tự'::text;
			END IF;
			IF char_length(r.short_name) > 80 THEN
				why := why || 'tên viết tắt tối đa 80 ký tự'::text;
			END IF;
			IF r.kind NOT IN ('centre', 'province', 'city', 'direct',
			                  'commune', 'ward', 'special_zone', 'school',
			                  'agency', 'enterprise', 'armed_forces',
			                  'grassroots', 'branch') THEN
				why := why || format('loại đơn vị "%s" không có (centre, province, city, direct, commune, ward, special_zone, school, agency, enterprise, armed_forces, grassroots, branch)', r.kind);
			END IF;
			IF r.parent <> '' AND (r.parent = r.code
			   OR (r.parent <> ALL (codes)
			       AND NOT EXISTS (SELECT 1 FROM units u
			                        WHERE u.code = r.parent))) THEN
				why := why || format('đơn vị cấp trên %s không có', r.parent);
			END IF;
			d_from := NULL; d_to := NULL; d_as := NULL;
			BEGIN
				d_from := unit_csv_date(r.vf);
			EXCEPTION WHEN OTHERS THEN
				why := why || format('ngày bắt đầu "%s" không hợp lệ (2025-07-01 hoặc 01/07/2025)', r.vf);
			END;
			BEGIN
				d_to := unit_csv_date(r.vt);
			EXCEPTION WHEN OTHERS THEN
				why := why || format('ngày kết thúc "%s" không hợp lệ (2025-06-30 hoặc 30/06/2025)', r.vt);
			END;
			BEGIN
				d_as := unit_csv_date(r.mas);
			EXCEPTION WHEN OTHERS THEN
				why := why || format('ngày của số đoàn viên "%s" không hợp lệ', r.mas);
			END;
			IF d_from > d_to THEN
				why := why || 'ngày bắt đầu sau ngày kết thúc'::text;
			END IF;
			succ := array_remove(regexp_split_to_array(lower(r.succ),
			                                           '[\s;,]+'), '');
			FOREACH sc IN ARRAY succ LOOP
				IF sc = r.code OR (sc <> ALL (codes) AND NOT EXISTS (
				       SELECT 1 FROM units u WHERE u.code = sc)) THEN
					why := why || format('đơn vị kế thừa %s không có', sc);
				END IF;
			END LOOP;
			IF r.members <> '' AND r.members !~ '^\d{1,9}$' THEN
				why := why || format('số đoàn viên "%s" không phải là số nguyên không âm', r.members);
			END IF;
			IF cardinality(why) > 0 THEN
				errs := errs || jsonb_build_object('line', r.line,
				        'message', array_to_string(why, '; '));
			ELSE
				good := good || jsonb_build_object('line', r.line,
				    'code', r.code, 'name', r.name,
				    'short_name', r.short_name, 'kind', r.kind,
				    'parent', nullif(r.parent, ''), 'valid_from', d_from,
				    'valid_to', d_to, 'successors', to_jsonb(succ),
				    'members', nullif(r.members, '')::integer,
				    'members_as_of', coalesce(d_as, d_from,
				                              '-infinity'::date));
			END IF;
		END;
	END LOOP;
	-- Levels go down the tree (a grassroots union may sit under another)
	-- and a chain of parents ends: no cycle, whatever the file and the
	-- stored tree say together.
	IF jsonb_array_length(errs) = 0 THEN
		FOR r IN
			WITH RECURSIVE t AS (
				SELECT i.code, i.kind, i.parent FROM unit_import_rows(good) i
				UNION ALL
				SELECT u.code, u.kind, p.code FROM units u
				  LEFT JOIN units p ON p.id = u.parent_id
				 WHERE u.code NOT IN (SELECT code FROM unit_import_rows(good))
			), lv AS (
				SELECT t.*, CASE WHEN kind = 'centre' THEN 0
				                 WHEN kind IN ('province', 'city', 'direct')
				                 THEN 1 WHEN kind = 'branch' THEN 3
				                 ELSE 2 END AS rk FROM t
			), walk AS (
				SELECT lv.code AS start, lv.parent AS at, 1 AS hops
				  FROM lv WHERE lv.parent IS NOT NULL
				UNION ALL
				SELECT w.start, lv.parent, w.hops + 1
				  FROM walk w JOIN lv ON lv.code = w.at
				 WHERE lv.parent IS NOT NULL AND w.hops < 64
			)
			SELECT i.line, i.code, i.parent, c.kind AS ckind, p.kind AS pkind,
			       (c.rk < p.rk OR (c.rk = p.rk AND c.rk <> 2)) AS bad_level,
			       EXISTS (SELECT 1 FROM walk w
			                WHERE w.start = i.code
			                  AND (w.at = i.code OR w.hops >= 64)) AS cycle
			  FROM unit_import_rows(good) i JOIN lv c ON c.code = i.code
			  JOIN lv p ON p.code = i.parent
			 ORDER BY i.line
		LOOP
			IF r.bad_level THEN
				errs := errs || jsonb_build_object('line', r.line,
				        'message', format('đơn vị loại %s không thể trực thuộc đơn vị %s loại %s', r.ckind, r.parent, r.pkind));
			ELSIF r.cycle THEN
				errs := errs || jsonb_build_object('line', r.line,
				        'message', format('cấp trên của %s tạo thành vòng lặp', r.code));
			END IF;
		END LOOP;
	END IF;
	IF jsonb_array_length(errs) > 0 THEN
		RETURN jsonb_build_object('errors', errs);
	END IF;

	SELECT count(*) FILTER (WHERE u.id IS NULL),
	       count(*) FILTER (WHERE u.id IS NOT NULL AND (u.name, u.short_name,
	                u.kind, u.valid_from, u.valid_to, p.code)
	                IS DISTINCT FROM (i.name, i.short_name, i.kind,
	                i.valid_from, i.valid_to, i.parent)),
	       array_agg(u.id) FILTER (WHERE u.id IS NOT NULL
	                AND p.code IS DISTINCT FROM i.parent)
	  INTO n_new, n_upd, moved
	  FROM unit_import_rows(good) i LEFT JOIN units u ON u.code = i.code
	  LEFT JOIN units p ON p.id = u.parent_id;
	INSERT INTO units AS u (code, kind, name, short_name, valid_from,
	                        valid_to)
	SELECT code, kind, name, short_name, valid_from, valid_to
	  FROM unit_import_rows(good)
	ON CONFLICT (code) DO UPDATE
	   SET kind = EXCLUDED.kind, name = EXCLUDED.name,
	       short_name = EXCLUDED.short_name,
	       valid_from = EXCLUDED.valid_from, valid_to = EXCLUDED.valid_to
	 WHERE (u.kind, u.name, u.short_name, u.valid_from, u.valid_to)
	       IS DISTINCT FROM (EXCLUDED.kind, EXCLUDED.name,
	                         EXCLUDED.short_name, EXCLUDED.valid_from,
	                         EXCLUDED.valid_to);
	UPDATE units u SET parent_id = p.id
	  FROM unit_import_rows(good) i LEFT JOIN units p ON p.code = i.parent
	 WHERE u.code = i.code AND u.parent_id IS DISTINCT FROM p.id;
	DELETE FROM unit_successors l USING units u, unit_import_rows(good) i
	 WHERE l.unit_id = u.id AND u.code = i.code
	   AND (SELECT s.code FROM units s WHERE s.id = l.successor_id)
	       <> ALL (i.successors);
	INSERT INTO unit_successors (unit_id, successor_id)
	SELECT u.id, s.id FROM unit_import_rows(good) i JOIN units u ON u.code = i.code,
	       unnest(i.successors) c JOIN units s ON s.code = c
	ON CONFLICT DO NOTHING;
	INSERT INTO unit_members AS m (unit_id, as_of, members)
	SELECT u.id, i.members_as_of, i.members
	  FROM unit_import_rows(good) i JOIN units u ON u.code = i.code
	 WHERE i.members IS NOT NULL
	ON CONFLICT (unit_id, as_of) DO UPDATE SET members = EXCLUDED.members
	 WHERE m.members <> EXCLUDED.members;
	n_same := (SELECT count(*) FROM unit_import_rows(good)) - n_new - n_upd;
	IF n_new > 0 OR cardinality(moved) > 0 THEN
		DELETE FROM unit_ancestors;
		INSERT INTO unit_ancestors (unit_id, ancestor_id, depth)
		WITH RECURSIVE a AS (
			SELECT id AS unit_id, id AS ancestor_id, parent_id, 0 AS depth
			  FROM units
			UNION ALL
			SELECT a.unit_id, p.id, p.parent_id, a.depth + 1
			  FROM a JOIN units p ON p.id = a.parent_id
		)
		SELECT unit_id, ancestor_id, depth FROM a;
	END IF;
	IF cardinality(moved) > 0 THEN
		PERFORM unit_stats_rebuild(c.id)
		   FROM contests c
		  WHERE EXISTS (SELECT 1 FROM entries e
		                  JOIN unit_ancestors x ON x.unit_id = e.unit_id
		                 WHERE e.contest_id = c.id
		                   AND x.ancestor_id = ANY (moved));
	END IF;
	IF n_new + n_upd > 0 THEN
		PERFORM audit(p_actor, p_name, p_ip, 'unit_import', 'unit', NULL,
		              NULL, NULL, jsonb_build_object('created', n_new,
		              'updated', n_upd));
	END IF;
	RETURN jsonb_build_object('errors', '[]'::jsonb, 'created', n_new,
	                          'updated', n_upd, 'unchanged', n_same);
END
$$;

-- Every unit as a CSV row in the import's columns, parents first.
CREATE FUNCTION unit_export() RETURNS TABLE (
	code text, name text, short_name text, kind text, parent text,
	valid_from text, valid_to text, successors text, members text,
	members_as_of text)
LANGUAGE sql STABLE
AS $$
	SELECT u.code, u.name, u.short_name, u.kind, p.code,
	       u.valid_from::text, u.valid_to::text,
	       (SELECT string_agg(s.code, ' ' ORDER BY s.code)
	          FROM unit_successors l JOIN units s ON s.id = l.successor_id
	         WHERE l.unit_id = u.id),
	       m.members::text,
	       CASE WHEN m.as_of <> '-infinity' THEN m.as_of::text END
	  FROM units u LEFT JOIN units p ON p.id = u.parent_id
	  LEFT JOIN LATERAL (SELECT x.members, x.as_of FROM unit_members x
	                      WHERE x.unit_id = u.id
	                      ORDER BY x.as_of DESC LIMIT 1) m ON true
	 ORDER BY (SELECT max(a.depth) FROM unit_ancestors a
	            WHERE a.unit_id = u.id) NULLS FIRST, u.code
$$;

-- The free-text unit names nobody has mapped yet, with how many accounts
-- and entries carry each (names compared folded: "Chi đoàn 1" and
-- "chi doan 1" are one).
CREATE FUNCTION unit_unmapped() RETURNS jsonb
LANGUAGE sql STABLE
RETURN (SELECT coalesce(jsonb_agg(jsonb_build_object('name', x.name,
	        'accounts', x.accounts, 'entries', x.entries)
	        ORDER BY x.accounts + x.entries DESC, x.name), '[]')
	  FROM (SELECT min(n.unit) AS name, sum(n.a) AS accounts,
	               sum(n.e) AS entries
	          FROM (SELECT btrim(unit) AS unit, 1 AS a, 0 AS e FROM accounts
	                 WHERE unit_id IS NULL AND btrim(unit) <> ''
	                UNION ALL
	                SELECT btrim(unit), 0, 1 FROM entries
	                 WHERE unit_id IS NULL AND btrim(unit) <> '') n
	         GROUP BY fold(n.unit)) x);

-- Maps the free-text name p_name (folded) to unit p_code: every account
-- and entry that carries it and no node gets the node; boards of the
-- contests involved are recounted.  Outcomes: ok (detail: "accounts
-- entries"), no_unit, no_unmapped.
CREATE FUNCTION unit_map(p_name text, p_code text, p_actor bigint,
                         p_actor_name text, p_ip text,
                         OUT outcome text, OUT detail text)
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
DECLARE
	u        units%ROWTYPE;
	k        text := fold(btrim(p_name));
	n_acc    bigint;
	n_ent    bigint;
	contests bigint[];
BEGIN
	SELECT * INTO u FROM units WHERE code = lower(btrim(p_code));
	IF NOT FOUND THEN
		outcome := 'no_unit'; detail := p_code; RETURN;
	END IF;
	-- The folder's lock first (unit_stats_rebuild takes it too): the
	-- folder reads entries' units while it folds.
	PERFORM pg_advisory_xact_lock(hashtext('netdep.vote_fold'));
	UPDATE accounts SET unit_id = u.id
	 WHERE unit_id IS NULL AND fold(btrim(unit)) = k;
	GET DIAGNOSTICS n_acc = ROW_COUNT;
	WITH m AS (
		UPDATE entries SET unit_id = u.id
		 WHERE unit_id IS NULL AND fold(btrim(unit)) = k
		RETURNING contest_id
	)
	SELECT count(*), array_agg(DISTINCT contest_id) INTO n_ent, contests
	  FROM m;
	IF n_acc + n_ent = 0 THEN
		outcome := 'no_unmapped'; detail := p_name; RETURN;
	END IF;
	PERFORM unit_stats_rebuild(c) FROM unnest(contests) c
	  WHERE c IS NOT NULL;
	PERFORM audit(p_actor, p_actor_name, p_ip, 'unit_map', 'unit', u.id,
	              NULL, jsonb_build_object('name', p_name),
	              jsonb_build_object('code', u.code, 'accounts', n_acc,
	                                 'entries', n_ent));
	outcome := 'ok';
	detail := n_acc || ' ' || n_ent;
END
$$;

-- The node of code p_code valid on p_on, for an account picking its
-- unit (registration, profile): its id and name, or no row.
CREATE FUNCTION unit_pick(p_code text, p_on date) RETURNS TABLE (
	id bigint, name text)
LANGUAGE sql STABLE
AS $$
	SELECT u.id, u.name FROM units u
	 WHERE u.code = lower(btrim(p_code))
	   AND (u.valid_from IS NULL OR u.valid_from <= p_on)
	   AND (u.valid_to IS NULL OR u.valid_to >= p_on)
$$;
