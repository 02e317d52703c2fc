-- 010_common.sql: Shared helpers: media paths, contest phase, judges, conflict of interest, the audit log.
-- Re-applied on every start (see sql/README.md); edit in place.

SET search_path = netdep, pg_catalog;

-- Relative path of a media file: ab/cd/<token><suffix>, the fan-out the
-- media store uses on disk.
CREATE FUNCTION media_path(token text, suffix text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN substr(token, 1, 2) || '/' || substr(token, 3, 2) || '/' || token
       || suffix;

-- The search form of a text (issue 15): diacritics and case folded, so
-- "Nguyễn Thị Hà", "NGUYEN THI HA" and "nguyen thi ha" are one key, and
-- "đ"/"Đ" fold to "d" as Vietnamese readers type them without a
-- Vietnamese keyboard.  Inputs are NFC already (the C input layer
-- normalises every text field); normalize() here also covers rows that
-- came another way.  IMMUTABLE is a promise about the unaccent rules file,
-- which only changes with a PostgreSQL upgrade: after one, refill the
-- folded columns (their triggers recompute them on any UPDATE).
-- Indexes never use this function directly (000_reset.sql would drop
-- them with it): a trigger stores its result in a plain column.
CREATE FUNCTION fold(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN lower(ext.unaccent('ext.unaccent'::regdictionary, normalize(t, NFC)));

-- May account judge entries of contest c?  A judge or admin role for
-- that contest or for every contest (contest_id NULL) says yes.
CREATE FUNCTION is_judge_of(account bigint, contest bigint) RETURNS boolean
LANGUAGE sql STABLE
RETURN EXISTS (SELECT 1 FROM roles r
                WHERE r.account_id = account
                  AND (r.contest_id IS NULL OR r.contest_id = contest));

CREATE FUNCTION contest_phase(c contests) RETURNS text
LANGUAGE sql STABLE
RETURN CASE
	WHEN c.results_at IS NOT NULL AND now() >= c.results_at THEN 'results'
	WHEN (c.submit_from IS NULL OR now() >= c.submit_from)
	 AND (c.submit_until IS NULL OR now() < c.submit_until) THEN
		CASE WHEN (c.vote_from IS NULL OR now() >= c.vote_from)
		      AND (c.vote_until IS NULL OR now() < c.vote_until)
		     THEN 'submissions_and_voting' ELSE 'submissions' END
	WHEN (c.vote_from IS NULL OR now() >= c.vote_from)
	 AND (c.vote_until IS NULL OR now() < c.vote_until) THEN 'voting'
	WHEN c.submit_from IS NOT NULL AND now() < c.submit_from THEN 'upcoming'
	ELSE 'closed' END;

-- Are the results of contest c public?
CREATE FUNCTION results_published(c contests) RETURNS boolean
LANGUAGE sql STABLE
RETURN c.results_at IS NOT NULL AND now() >= c.results_at;

-- Conflict of interest: may p_judge not act on entry p_entry?  Always for
-- the judge's own entry; for an entry of the judge's own unit when the
-- contest's coi_unit is on (the same node of the unit tree, or the same
-- free-text name without case and outer spaces; an empty one matches
-- nothing).
CREATE FUNCTION jury_conflict(p_judge bigint, p_entry bigint) RETURNS boolean
LANGUAGE sql STABLE
RETURN EXISTS (
	SELECT 1 FROM entries e JOIN contests c ON c.id = e.contest_id
	 WHERE e.id = p_entry
	   AND (e.account_id = p_judge
	        OR (c.coi_unit AND EXISTS (
	              SELECT 1 FROM accounts j
	               WHERE j.id = p_judge
	                 AND ((j.unit_id IS NOT NULL AND j.unit_id = e.unit_id)
	                      OR (btrim(j.unit) <> ''
	                          AND lower(btrim(j.unit)) = lower(btrim(e.unit))))))));

-- Writes one audit row.
CREATE FUNCTION audit(p_actor bigint, p_name text, p_ip text, p_action text,
                      p_type text, p_target bigint, p_contest bigint,
                      p_before jsonb, p_after jsonb) RETURNS void
LANGUAGE sql
BEGIN ATOMIC
	INSERT INTO audit_log (actor_id, actor_name, ip, action, target_type,
	                       target_id, contest_id, before, after)
	VALUES (p_actor, p_name, p_ip::inet, p_action, p_type, p_target,
	        p_contest, p_before, p_after);
END;
