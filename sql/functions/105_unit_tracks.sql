-- 105_unit_tracks.sql: unit prize tracks ranked at a level of the unit
-- tree (issue 16, with the tree of issue 15).  The level and its words
-- are in 100_tracks.sql (track_unit_level, unit_level_words: the rules
-- text there needs them); tracks_compute() calls track_units() here.
--
-- As on the unit boards (080_units.sql: leaderboard/units?level=), an
-- entry counts for its chi đoàn and every ancestor (unit_ancestors), and
-- a unit's members are the latest figure on or before the contest's day
-- (unit_members_on).  Unlike the boards, which keep an old entry under
-- the unit of its day, a prize goes to a unit that exists when the
-- contest is decided: a unit no longer valid on the contest's day is
-- followed along unit_successors (a merger or a renaming) to the unit
-- that took it over.

SET search_path = netdep, pg_catalog;

-- The unit that stands for unit p_unit on day p_day: itself when valid
-- that day; else the nearest unit valid that day reached along successor
-- links (at most 16 hops); itself again when there is none or when the
-- nearest are several (a split: the entry cannot be given to one of
-- them, so it stays with its old unit and that unit's ancestors).
CREATE FUNCTION unit_current_on(p_unit bigint, p_day date) RETURNS bigint
LANGUAGE plpgsql STABLE SET search_path = netdep, pg_catalog AS $$
DECLARE
	n  bigint;
	next_id bigint;
BEGIN
	-- Nearly every unit: valid that day, or ended with no successor.
	IF EXISTS (SELECT 1 FROM units u WHERE u.id = p_unit
	             AND (u.valid_from IS NULL OR u.valid_from <= p_day)
	             AND (u.valid_to IS NULL OR u.valid_to >= p_day))
	   OR NOT EXISTS (SELECT 1 FROM unit_successors l
	                   WHERE l.unit_id = p_unit) THEN
		RETURN p_unit;
	END IF;
	WITH RECURSIVE f(id, hops) AS (
		SELECT l.successor_id, 1 FROM unit_successors l
		 WHERE l.unit_id = p_unit
		UNION
		SELECT l.successor_id, f.hops + 1 FROM f
		  JOIN unit_successors l ON l.unit_id = f.id
		 WHERE f.hops < 16),
	ok AS (SELECT f.id, min(f.hops) AS hops FROM f JOIN units s ON s.id = f.id
	        WHERE (s.valid_from IS NULL OR s.valid_from <= p_day)
	          AND (s.valid_to IS NULL OR s.valid_to >= p_day)
	        GROUP BY f.id)
	SELECT count(*), min(ok.id) INTO n, next_id
	  FROM ok WHERE ok.hops = (SELECT min(hops) FROM ok);
	RETURN CASE WHEN n = 1 THEN next_id ELSE p_unit END;
END
$$;

-- A unit track: the units at the track's level (track_unit_level) by the
-- track's measure: 'entries' (approved entries), 'votes' (their valid
-- votes, prize_votes()), or 'per_100_members' (participants, i.e.
-- distinct accounts with an approved entry, per 100 members on the
-- contest's day, 4 decimals; units without a member count are not
-- ranked).  An approved entry counts once for each unit at that level
-- among its unit and that unit's ancestors, each followed to the unit
-- standing for it on the contest's day (unit_current_on); entries
-- without a unit of the tree are not ranked.
CREATE FUNCTION track_units(p_contest bigint, t prize_tracks) RETURNS jsonb
LANGUAGE sql STABLE
RETURN (
	WITH d AS (SELECT contest_day(c) AS day FROM contests c
	            WHERE c.id = p_contest),
	lv AS (SELECT track_unit_level(t) AS level),
	v AS (SELECT * FROM prize_votes(p_contest, NULL, NULL)),
	e AS (SELECT e.id, e.account_id, e.unit_id, coalesce(v.votes, 0) AS votes
	        FROM entries e LEFT JOIN v ON v.entry_id = e.id
	       WHERE e.contest_id = p_contest AND e.status = 'approved'
	         AND e.unit_id IS NOT NULL),
	-- Each unit of an entry to the units at the level it counts for,
	-- resolved once per unit, not per entry.
	m AS (SELECT DISTINCT du.unit_id, unit_current_on(x.ancestor_id, d.day)
	                                  AS level_unit
	        FROM (SELECT DISTINCT e.unit_id FROM e) du CROSS JOIN d
	        JOIN unit_ancestors x
	          ON x.unit_id = unit_current_on(du.unit_id, d.day)),
	g AS (SELECT m.level_unit AS unit_id, count(*) AS entries,
	             count(DISTINCT e.account_id) AS participants,
	             sum(e.votes) AS votes
	        FROM m JOIN units u ON u.id = m.level_unit
	        JOIN e ON e.unit_id = m.unit_id
	       WHERE u.level = (SELECT level FROM lv)
	       GROUP BY m.level_unit),
	s AS (SELECT g.*, u, mb.members,
	             CASE t.params ->> 'measure'
	                  WHEN 'entries' THEN g.entries::numeric
	                  WHEN 'votes' THEN g.votes::numeric
	                  ELSE CASE WHEN mb.members > 0 THEN round(
	                       g.participants * 100.0 / mb.members, 4) END
	             END AS score
	        FROM g JOIN units u ON u.id = g.unit_id,
	             LATERAL (SELECT unit_members_on(u.id, (SELECT day FROM d))
	                      AS members) mb),
	r AS (SELECT s.*, rank() OVER (ORDER BY s.score DESC) AS rk
	        FROM s WHERE s.score IS NOT NULL AND s.score > 0)
	SELECT coalesce(jsonb_agg(jsonb_build_object(
	           'rank', r.rk, 'score', r.score, 'winner', r.rk <= t.places,
	           'unit', unit_brief(r.u), 'entries', r.entries,
	           'participants', r.participants, 'votes', r.votes,
	           'members', r.members) ORDER BY r.rk, (r.u).name), '[]')
	  FROM r);
