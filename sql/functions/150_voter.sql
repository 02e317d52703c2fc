-- 150_voter.sql: the signed-in voter's state on the voting pages (issue 17).
-- No tables of its own.
--
-- voter_state(now, slug, voter, entries) answers, for the listed entries
-- of the contest, what vote_cast() (030_votes.sql) would decide for this
-- voter without casting anything: which of them the voter already voted
-- for in the current period (the Vietnam day under 'daily', ever under
-- 'once'; voided votes included, as they still hold the unique key),
-- which are the voter's own (no vote button unless self_vote), and the
-- budget left today.  NULL: no such contest.

SET search_path = netdep, pg_catalog;

CREATE FUNCTION voter_state(p_now timestamptz, p_slug text, p_voter bigint,
                            p_entries bigint[])
RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = netdep, pg_catalog
AS $$
	WITH c AS (
		SELECT c.id, c.vote_rule, c.votes_per_day, c.self_vote,
		       c.vote_from, c.vote_until,
		       (p_now AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS d
		  FROM contests c WHERE c.slug = p_slug)
	SELECT jsonb_build_object(
	  'voted', coalesce((
	    SELECT jsonb_agg(v.entry_id ORDER BY v.entry_id)
	      FROM votes v
	     WHERE v.voter_id = p_voter AND v.contest_id = c.id
	       AND v.entry_id = ANY (p_entries)
	       AND v.period = CASE c.vote_rule WHEN 'daily' THEN c.d
	                                      ELSE DATE '2000-01-01' END),
	    '[]'),
	  'own', CASE WHEN c.self_vote THEN '[]'::jsonb ELSE coalesce((
	    SELECT jsonb_agg(e.id ORDER BY e.id) FROM entries e
	     WHERE e.contest_id = c.id AND e.account_id = p_voter
	       AND e.id = ANY (p_entries)), '[]') END,
	  'votes_left', greatest(0, c.votes_per_day - (
	    SELECT count(*) FROM votes v
	     WHERE v.voter_id = p_voter AND v.contest_id = c.id
	       AND v.created_at >= c.d::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'
	       AND v.created_at < (c.d + 1)::timestamp
	                          AT TIME ZONE 'Asia/Ho_Chi_Minh')),
	  'votes_per_day', c.votes_per_day,
	  'vote_rule', c.vote_rule,
	  'open', (c.vote_from IS NULL OR p_now >= c.vote_from)
	          AND (c.vote_until IS NULL OR p_now < c.vote_until))
	  FROM c
$$;
