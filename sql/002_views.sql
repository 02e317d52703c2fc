-- 002_views.sql: helpers the read statements share, so the JSON an entry
-- is shown as is written once.

SET search_path = netdep, pg_catalog;

-- Relative path of a media file: ab/cd/<token><suffix>, the fan-out the
-- media store uses on disk.
CREATE FUNCTION media_path(token text, suffix text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN substr(token, 1, 2) || '/' || substr(token, 3, 2) || '/' || token
       || suffix;

-- The contest's current phase, for the home page and the API.
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

-- May account judge entries of contest c?  A judge or admin role for
-- that contest or for every contest (contest_id NULL) says yes.
CREATE FUNCTION is_judge_of(account bigint, contest bigint) RETURNS boolean
LANGUAGE sql STABLE
RETURN EXISTS (SELECT 1 FROM roles r
                WHERE r.account_id = account
                  AND (r.contest_id IS NULL OR r.contest_id = contest));

GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA netdep TO netdep_app;
