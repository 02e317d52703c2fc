-- 050_jury.sql: Judging: guards, scores, rankings, prizes, publication, fraud report, voiding.
-- Re-applied on every start (see sql/README.md); edit in place.

SET search_path = netdep, pg_catalog;

-- The SQL side of moderation's conflict of interest: a decision recorded
-- by a conflicted judge is refused whatever the application checked.
CREATE FUNCTION entries_coi_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
BEGIN
	IF jury_conflict(NEW.decided_by, NEW.id) THEN
		RAISE EXCEPTION 'judge % has a conflict of interest with entry %',
		      NEW.decided_by, NEW.id
		      USING ERRCODE = 'check_violation',
		            CONSTRAINT = 'entries_conflict_of_interest';
	END IF;
	RETURN NEW;
END
$$;

CREATE TRIGGER entries_coi_guard BEFORE UPDATE OF status ON entries
	FOR EACH ROW
	WHEN (OLD.status = 'pending' AND NEW.status IN ('approved', 'rejected')
	      AND NEW.decided_by IS NOT NULL)
	EXECUTE FUNCTION entries_coi_guard();

-- A score row is only ever written by a judge of the entry's contest
-- without a conflict of interest, for an approved entry and a criterion
-- of that contest.
CREATE FUNCTION scores_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
DECLARE
	e entries%ROWTYPE;
BEGIN
	SELECT * INTO e FROM entries WHERE id = NEW.entry_id;
	IF e.status <> 'approved' THEN
		RAISE EXCEPTION 'entry % is not approved', NEW.entry_id
		      USING ERRCODE = 'check_violation',
		            CONSTRAINT = 'scores_entry_approved';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM criteria k WHERE k.id = NEW.criterion_id
	                 AND k.contest_id = e.contest_id) THEN
		RAISE EXCEPTION 'criterion % is not of contest %',
		      NEW.criterion_id, e.contest_id
		      USING ERRCODE = 'check_violation',
		            CONSTRAINT = 'scores_criterion_contest';
	END IF;
	IF NOT is_judge_of(NEW.judge_id, e.contest_id) THEN
		RAISE EXCEPTION 'account % is not a judge of contest %',
		      NEW.judge_id, e.contest_id
		      USING ERRCODE = 'check_violation',
		            CONSTRAINT = 'scores_judge_role';
	END IF;
	IF jury_conflict(NEW.judge_id, NEW.entry_id) THEN
		RAISE EXCEPTION 'judge % has a conflict of interest with entry %',
		      NEW.judge_id, NEW.entry_id
		      USING ERRCODE = 'check_violation',
		            CONSTRAINT = 'scores_conflict_of_interest';
	END IF;
	RETURN NEW;
END
$$;

CREATE TRIGGER scores_guard BEFORE INSERT OR UPDATE ON scores
	FOR EACH ROW EXECUTE FUNCTION scores_guard();

-- A prize goes to an approved entry of the same contest.
CREATE FUNCTION prizes_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM entries e WHERE e.id = NEW.entry_id
	                 AND e.contest_id = NEW.contest_id
	                 AND e.status = 'approved') THEN
		RAISE EXCEPTION 'entry % is not an approved entry of contest %',
		      NEW.entry_id, NEW.contest_id
		      USING ERRCODE = 'check_violation',
		            CONSTRAINT = 'prizes_entry_approved';
	END IF;
	RETURN NEW;
END
$$;

CREATE TRIGGER prizes_guard BEFORE INSERT OR UPDATE ON prizes
	FOR EACH ROW EXECUTE FUNCTION prizes_guard();

-- Valid votes of an entry, exact at any moment: the count vote_fold()
-- (003) keeps in entry_stats plus the changes still queued in
-- vote_changes (the queue is short and indexed by entry), so a ranking
-- never depends on the folder having run.  Voiding and restoring go
-- through the votes triggers of 003 like any other change of votes.
CREATE FUNCTION jury_vote_count(p_entry bigint) RETURNS bigint
LANGUAGE sql STABLE
RETURN coalesce((SELECT s.votes FROM entry_stats s
                  WHERE s.entry_id = p_entry), 0)
       + coalesce((SELECT sum(q.delta) FROM vote_changes q
                    WHERE q.entry_id = p_entry), 0);

-- One judge's mark for one entry: the weighted mean of their criterion
-- scores (weights of the contest's criteria), 0..10.
CREATE FUNCTION jury_marks(p_contest bigint)
RETURNS TABLE (entry_id bigint, judge_id bigint, mark numeric)
LANGUAGE sql STABLE
AS $$
	SELECT s.entry_id, s.judge_id,
	       sum(s.score * k.weight) / sum(k.weight)
	  FROM scores s
	  JOIN criteria k ON k.id = s.criterion_id
	  JOIN entries e ON e.id = s.entry_id
	 WHERE k.contest_id = p_contest AND e.status = 'approved'
	 GROUP BY s.entry_id, s.judge_id
$$;

-- The jury score of each scored approved entry (SPEC 5): the mean over
-- judges of each judge's mark.  With the contest's zscore setting each
-- mark is first standardised per judge, z = (mark - judge's mean) /
-- judge's population standard deviation (0 when the judge gave one value
-- only), and mapped back to the 0..10 scale as pooled mean + z x pooled
-- standard deviation of all marks, clamped to 0..10.  Rounded to 4
-- decimals: the ranking uses exactly what is shown.
CREATE FUNCTION jury_scores(p_contest bigint)
RETURNS TABLE (entry_id bigint, jury_score numeric, judges integer)
LANGUAGE sql STABLE
AS $$
	WITH m AS (SELECT * FROM jury_marks(p_contest)),
	st AS (SELECT m.judge_id, avg(m.mark) AS mu,
	              stddev_pop(m.mark) AS sd
	         FROM m GROUP BY m.judge_id),
	pool AS (SELECT avg(m.mark) AS mu, coalesce(stddev_pop(m.mark), 0) AS sd
	           FROM m),
	n AS (SELECT m.entry_id,
	             CASE WHEN c.zscore THEN
	                  greatest(0, least(10, pool.mu + pool.sd *
	                      CASE WHEN st.sd > 0 THEN (m.mark - st.mu) / st.sd
	                           ELSE 0 END))
	                  ELSE m.mark END AS mark
	        FROM m JOIN st ON st.judge_id = m.judge_id
	        CROSS JOIN pool JOIN contests c ON c.id = p_contest)
	SELECT n.entry_id, round(avg(n.mark), 4), count(*)::integer
	  FROM n GROUP BY n.entry_id
$$;

-- Every approved entry of a contest with its votes, jury score and
-- combined score (SPEC 5):
--   combined = pw/100 x (votes / max votes x 10) + (100 - pw)/100 x jury
-- with pw the contest's public_weight, max votes over the contest's
-- approved entries (the vote part is 0 when nobody has a vote) and jury 0
-- for an entry no judge scored yet.  Rounded to 4 decimals.  Ranks are
-- competition ranks (1, 2, 2, 4) on the rounded values; an entry without
-- a jury score ranks last by jury.
CREATE FUNCTION jury_ranking(p_contest bigint)
RETURNS TABLE (entry_id bigint, votes bigint, jury_score numeric,
               judges integer, combined numeric, rank_votes bigint,
               rank_jury bigint, rank_combined bigint)
LANGUAGE sql STABLE
AS $$
	WITH e AS (SELECT x.id, jury_vote_count(x.id) AS votes
	             FROM entries x
	            WHERE x.contest_id = p_contest AND x.status = 'approved'),
	mx AS (SELECT max(e.votes) AS m FROM e),
	t AS (SELECT e.id, e.votes, j.jury_score, coalesce(j.judges, 0) AS judges,
	             round(c.public_weight / 100.0 *
	                   CASE WHEN mx.m > 0 THEN e.votes * 10.0 / mx.m
	                        ELSE 0 END
	                   + (100 - c.public_weight) / 100.0 *
	                     coalesce(j.jury_score, 0), 4) AS combined
	        FROM e CROSS JOIN mx JOIN contests c ON c.id = p_contest
	        LEFT JOIN jury_scores(p_contest) j ON j.entry_id = e.id)
	SELECT t.id, t.votes, t.jury_score, t.judges, t.combined,
	       rank() OVER (ORDER BY t.votes DESC),
	       rank() OVER (ORDER BY t.jury_score DESC NULLS LAST),
	       rank() OVER (ORDER BY t.combined DESC)
	  FROM t
$$;

-- The version of a contest's results, for the ETag of GET .../results and
-- .../results.csv (cgi/h_results.c), which are served only once published.
-- A hash of what they are computed from, in one cheap query (no ranking):
--   the contest row       weights, zscore, title, results_at (publishing
--                         and unpublishing), and whether now is past it;
--   fold_state.folded_at  moves with every folded vote change (voiding and
--                         restoring included) and every approval or
--                         withdrawal (entry_stats_sync());
--   prizes, criteria and categories of the contest (short lists).
-- Scores are not in it: scores_put() refuses every score once results
-- are published, and publishing again changes results_at.  Entries'
-- texts are not either: only pending entries may be edited.
CREATE FUNCTION results_version(p_contest bigint) RETURNS text
LANGUAGE sql STABLE
RETURN (SELECT md5(concat_ws('|', c::text, results_published(c),
                             f.folded_at,
                             (SELECT string_agg(p.entry_id || ':' || p.prize,
                                                ',' ORDER BY p.entry_id,
                                                p.prize)
                                FROM prizes p WHERE p.contest_id = c.id),
                             (SELECT string_agg(k::text, ',' ORDER BY k.id)
                                FROM criteria k WHERE k.contest_id = c.id),
                             (SELECT string_agg(k::text, ',' ORDER BY k.id)
                                FROM categories k WHERE k.contest_id = c.id)))
          FROM contests c LEFT JOIN fold_state f ON f.contest_id = c.id
         WHERE c.id = p_contest);

-- A judge's label in a contest's published scores: A, B, C ... by the
-- order in which judges first scored (AA, AB ... past Z), or the display
-- name when the contest's judges_named is on.
CREATE FUNCTION jury_label(n bigint) RETURNS text
LANGUAGE sql IMMUTABLE
RETURN CASE WHEN n <= 26 THEN chr(64 + n::int)
            ELSE chr(64 + ((n - 1) / 26)::int) || chr(65 + ((n - 1) % 26)::int)
       END;

CREATE FUNCTION jury_judges(p_contest bigint)
RETURNS TABLE (judge_id bigint, label text)
LANGUAGE sql STABLE
AS $$
	SELECT f.judge_id,
	       CASE WHEN c.judges_named THEN a.display_name
	            ELSE jury_label(row_number() OVER (ORDER BY f.first, f.judge_id))
	       END
	  FROM (SELECT s.judge_id, min(s.scored_at) AS first
	          FROM scores s JOIN criteria k ON k.id = s.criterion_id
	         WHERE k.contest_id = p_contest GROUP BY s.judge_id) f
	  JOIN accounts a ON a.id = f.judge_id
	  JOIN contests c ON c.id = p_contest
$$;

-- A judge's scores of an entry as {"<criterion>": n, ...}, or NULL.
CREATE FUNCTION jury_scores_of(p_judge bigint, p_entry bigint) RETURNS jsonb
LANGUAGE sql STABLE
RETURN (SELECT jsonb_object_agg(k.name, s.score)
          FROM scores s JOIN criteria k ON k.id = s.criterion_id
         WHERE s.judge_id = p_judge AND s.entry_id = p_entry);

-- PUT /entries/{id}/scores.  p_scores is {"<criterion>": number, ...}
-- (the C side checked the shape); every criterion of the contest must be
-- given, nothing else.  Answers (outcome, detail, body):
-- cgi/outcome.c says what a judge sees for each outcome.
CREATE FUNCTION scores_put(p_entry bigint, p_judge bigint, p_name text,
                           p_ip text, p_scores jsonb, p_comment text,
                           OUT outcome text, OUT detail text,
                           OUT body jsonb)
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
DECLARE
	e      entries%ROWTYPE;
	c      contests%ROWTYPE;
	want   text[];
	got    text[];
	bad    text;
	before jsonb;
	after  jsonb;
BEGIN
	SELECT * INTO e FROM entries WHERE id = p_entry;
	IF NOT FOUND THEN
		outcome := 'no_entry'; RETURN;
	END IF;
	SELECT * INTO c FROM contests WHERE id = e.contest_id;
	IF NOT is_judge_of(p_judge, c.id) THEN
		outcome := 'forbidden'; RETURN;
	END IF;
	IF e.account_id = p_judge THEN
		outcome := 'own_entry'; RETURN;
	END IF;
	IF jury_conflict(p_judge, e.id) THEN
		outcome := 'conflict_of_interest'; RETURN;
	END IF;
	IF e.status <> 'approved' THEN
		outcome := 'not_approved'; detail := e.status; RETURN;
	END IF;
	IF results_published(c) THEN
		outcome := 'results_published'; RETURN;
	END IF;
	SELECT array_agg(k.name ORDER BY k.name) INTO want
	  FROM criteria k WHERE k.contest_id = c.id;
	SELECT array_agg(x ORDER BY x) INTO got FROM jsonb_object_keys(p_scores) x;
	IF want IS NULL THEN
		outcome := 'no_criteria'; RETURN;
	END IF;
	IF got IS DISTINCT FROM want THEN
		outcome := 'criteria_mismatch';
		detail := array_to_string(want, ', '); RETURN;
	END IF;
	SELECT x.key INTO bad FROM jsonb_each(p_scores) x
	 WHERE jsonb_typeof(x.value) <> 'number'
	    OR x.value::numeric < 0 OR x.value::numeric > 10
	    OR x.value::numeric <> round(x.value::numeric, 1)
	 LIMIT 1;
	IF bad IS NOT NULL THEN
		-- A score is a number from 0 to 10 with at most one decimal.
		outcome := 'score_out_of_range'; detail := bad; RETURN;
	END IF;

	before := jury_scores_of(p_judge, e.id);
	IF before IS NOT NULL THEN
		before := jsonb_build_object('criteria', before, 'comment',
		          (SELECT comment FROM score_comments
		            WHERE entry_id = e.id AND judge_id = p_judge));
	END IF;
	INSERT INTO scores AS s (entry_id, judge_id, criterion_id, score)
	SELECT e.id, p_judge, k.id, (p_scores ->> k.name)::numeric
	  FROM criteria k WHERE k.contest_id = c.id
	ON CONFLICT (entry_id, judge_id, criterion_id)
	DO UPDATE SET score = excluded.score, scored_at = now()
	WHERE s.score IS DISTINCT FROM excluded.score;
	IF p_comment IS NULL OR p_comment = '' THEN
		DELETE FROM score_comments
		 WHERE entry_id = e.id AND judge_id = p_judge;
	ELSE
		INSERT INTO score_comments (entry_id, judge_id, comment)
		VALUES (e.id, p_judge, p_comment)
		ON CONFLICT (entry_id, judge_id)
		DO UPDATE SET comment = excluded.comment, updated_at = now();
	END IF;
	after := jsonb_build_object('criteria', jury_scores_of(p_judge, e.id),
	                            'comment', nullif(p_comment, ''));
	PERFORM audit(p_judge, p_name, p_ip, 'score.put', 'entry', e.id, c.id,
	              before, after);
	outcome := 'ok';
	body := jsonb_build_object('scores', after || jsonb_build_object(
		'entry_id', e.id,
		'mark', (SELECT round(m.mark, 4) FROM jury_marks(c.id) m
		          WHERE m.entry_id = e.id AND m.judge_id = p_judge)));
END
$$;

-- GET /entries/{id}/scores: the caller's own (a judge of the contest), and
-- everyone's, judges labelled, once the results are published.
CREATE FUNCTION scores_get(p_entry bigint, p_user bigint,
                           OUT outcome text, OUT detail text,
                           OUT body jsonb)
LANGUAGE plpgsql STABLE SET search_path = netdep, pg_catalog AS $$
DECLARE
	e     entries%ROWTYPE;
	c     contests%ROWTYPE;
	judge boolean;
	pub   boolean;
BEGIN
	SELECT * INTO e FROM entries WHERE id = p_entry;
	IF NOT FOUND THEN
		outcome := 'no_entry'; RETURN;
	END IF;
	SELECT * INTO c FROM contests WHERE id = e.contest_id;
	judge := p_user IS NOT NULL AND is_judge_of(p_user, c.id);
	pub := results_published(c) AND e.status = 'approved';
	IF NOT judge AND NOT pub THEN
		IF e.status <> 'approved' AND e.account_id IS DISTINCT FROM p_user
		THEN
			outcome := 'no_entry'; RETURN;
		END IF;
		outcome := 'results_not_published';
		RETURN;
	END IF;
	outcome := 'ok';
	body := jsonb_build_object(
		'entry_id', e.id,
		'published', results_published(c),
		'criteria', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', k.id,
		             'name', k.name, 'weight', k.weight)
		             ORDER BY k.position, k.id), '[]')
		             FROM criteria k WHERE k.contest_id = c.id),
		'mine', CASE WHEN judge THEN jsonb_build_object(
		             'scores', jury_scores_of(p_user, e.id),
		             'comment', (SELECT comment FROM score_comments
		                          WHERE entry_id = e.id
		                            AND judge_id = p_user)) END,
		'judges', CASE WHEN pub THEN (
		    SELECT coalesce(jsonb_agg(jsonb_build_object(
		           'judge', j.label,
		           'scores', jury_scores_of(j.judge_id, e.id),
		           'mark', round(m.mark, 4),
		           'comment', (SELECT comment FROM score_comments sc
		                        WHERE sc.entry_id = e.id
		                          AND sc.judge_id = j.judge_id))
		           ORDER BY j.label), '[]')
		      FROM jury_judges(c.id) j
		      JOIN jury_marks(c.id) m ON m.judge_id = j.judge_id
		                            AND m.entry_id = e.id) END,
		'jury_score', CASE WHEN pub OR judge THEN (
		    SELECT r.jury_score FROM jury_ranking(c.id) r
		     WHERE r.entry_id = e.id) END);
	IF NOT judge THEN
		body := body - 'mine';
	END IF;
END
$$;

-- PUT /contests/{slug}/prizes: replaces the contest's prizes with p_prizes
-- ([{"entry_id": n, "prize": "first|..."}]).  most_voted must go to an
-- entry ranked first by public votes.
CREATE FUNCTION prizes_set(p_contest bigint, p_actor bigint, p_name text,
                           p_ip text, p_prizes jsonb,
                           OUT outcome text, OUT detail text,
                           OUT body jsonb)
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
DECLARE
	before jsonb;
	after  jsonb;
	bad    record;
	c      contests%ROWTYPE;
BEGIN
	-- One writer at a time per contest: the whole set is replaced.  The
	-- publication is checked under the same lock results_publish takes,
	-- so a publish that won the race is never followed by a change.
	SELECT * INTO c FROM contests WHERE id = p_contest FOR UPDATE;
	IF results_published(c) THEN
		outcome := 'results_published';
		RETURN;
	END IF;
	SELECT x.entry_id, x.prize INTO bad
	  FROM jsonb_to_recordset(p_prizes) AS x(entry_id bigint, prize text)
	 WHERE NOT EXISTS (SELECT 1 FROM entries e WHERE e.id = x.entry_id
	                     AND e.contest_id = p_contest
	                     AND e.status = 'approved')
	 LIMIT 1;
	IF FOUND THEN
		-- Only an approved entry of this contest wins a prize.
		outcome := 'prize_not_approved'; detail := bad.entry_id; RETURN;
	END IF;
	SELECT x.entry_id INTO bad
	  FROM jsonb_to_recordset(p_prizes) AS x(entry_id bigint, prize text)
	 WHERE x.prize = 'most_voted'
	   AND NOT EXISTS (SELECT 1 FROM jury_ranking(p_contest) r
	                    WHERE r.entry_id = x.entry_id AND r.rank_votes = 1)
	 LIMIT 1;
	IF FOUND THEN
		-- The most-voted prize follows public votes only.
		outcome := 'not_most_voted'; detail := bad.entry_id;
		RETURN;
	END IF;
	SELECT coalesce(jsonb_agg(jsonb_build_object('entry_id', entry_id,
	       'prize', prize) ORDER BY prize, entry_id), '[]') INTO before
	  FROM prizes WHERE contest_id = p_contest;
	-- The block undoes the DELETE too when the new set breaks a rule.
	BEGIN
		DELETE FROM prizes WHERE contest_id = p_contest;
		INSERT INTO prizes (contest_id, entry_id, prize, awarded_by)
		SELECT p_contest, x.entry_id, x.prize, p_actor
		  FROM jsonb_to_recordset(p_prizes) AS x(entry_id bigint, prize text);
	EXCEPTION WHEN unique_violation THEN
		-- Each of first, second, third and most-voted goes to one
		-- entry, and an entry holds at most one jury prize.
		outcome := 'prize_taken';
		RETURN;
	END;
	SELECT coalesce(jsonb_agg(jsonb_build_object('entry_id', entry_id,
	       'prize', prize) ORDER BY prize, entry_id), '[]') INTO after
	  FROM prizes WHERE contest_id = p_contest;
	PERFORM audit(p_actor, p_name, p_ip, 'prizes.set', 'contest', p_contest,
	              p_contest, before, after);
	outcome := 'ok'; body := jsonb_build_object('prizes', after);
END
$$;

-- POST /contests/{slug}/publish.
CREATE FUNCTION results_publish(p_contest bigint, p_actor bigint, p_name text,
                                p_ip text,
                                OUT outcome text, OUT detail text,
                                OUT body jsonb)
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
DECLARE
	c contests%ROWTYPE;
BEGIN
	SELECT * INTO c FROM contests WHERE id = p_contest FOR UPDATE;
	IF results_published(c) THEN
		outcome := 'already_published';
		detail := to_char(c.results_at AT TIME ZONE 'Asia/Ho_Chi_Minh',
		                  'HH24:MI DD/MM/YYYY');
		RETURN;
	END IF;
	UPDATE contests SET results_at = now() WHERE id = p_contest;
	PERFORM audit(p_actor, p_name, p_ip, 'results.publish', 'contest',
	              p_contest, p_contest,
	              jsonb_build_object('results_at', c.results_at),
	              jsonb_build_object('results_at', now()));
	outcome := 'ok';
	body := jsonb_build_object('contest', c.slug, 'results_at', now());
END
$$;

-- POST /contests/{slug}/votes/void and .../restore.  Selects the votes of
-- the contest cast by p_account, or those of p_ids (ids of other contests
-- are ignored), that are valid (void) or voided (restore), changes them
-- and audits the list.  The votes triggers of 003 queue the count changes
-- in this transaction (jury_vote_count() sees them at once); the folder
-- moves them into entry_stats, so the public boards follow within seconds.
CREATE FUNCTION votes_void(p_contest bigint, p_actor bigint, p_name text,
                           p_ip text, p_account text, p_ids jsonb,
                           p_reason text, p_restore boolean,
                           OUT outcome text, OUT detail text,
                           OUT body jsonb)
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
DECLARE
	acc     bigint;
	ids     bigint[];
	entries_ jsonb;
BEGIN
	IF p_account IS NOT NULL THEN
		SELECT id INTO acc FROM accounts
		 WHERE lower(username) = lower(p_account);
		IF NOT FOUND THEN
			outcome := 'no_account'; detail := p_account; RETURN;
		END IF;
	END IF;
	WITH changed AS (
		UPDATE votes v
		   SET voided_at = CASE WHEN p_restore THEN NULL ELSE now() END,
		       void_reason = CASE WHEN p_restore THEN NULL ELSE p_reason END
		 WHERE v.contest_id = p_contest
		   AND (v.voided_at IS NULL) = NOT p_restore
		   AND ((acc IS NOT NULL AND v.voter_id = acc)
		        OR (p_ids IS NOT NULL AND v.id IN
		            (SELECT x::bigint FROM jsonb_array_elements_text(p_ids) x)))
		RETURNING v.id, v.entry_id)
	SELECT array_agg(id ORDER BY id) INTO ids FROM changed;
	ids := coalesce(ids, '{}');
	SELECT coalesce(jsonb_agg(jsonb_build_object('id', x.entry_id,
	       'votes', (SELECT count(*) FROM votes w
	                  WHERE w.entry_id = x.entry_id
	                    AND w.voided_at IS NULL)) ORDER BY x.entry_id), '[]')
	  INTO entries_
	  FROM (SELECT DISTINCT entry_id FROM votes WHERE id = ANY (ids)) x;
	IF cardinality(ids) > 0 THEN
		PERFORM audit(p_actor, p_name, p_ip,
		              CASE WHEN p_restore THEN 'votes.restore'
		                   ELSE 'votes.void' END,
		              'contest', p_contest, p_contest,
		              jsonb_build_object('vote_ids', to_jsonb(ids),
		                                 'voided', p_restore),
		              jsonb_build_object('vote_ids', to_jsonb(ids),
		                                 'voided', NOT p_restore,
		                                 'account', p_account,
		                                 'reason', p_reason,
		                                 'entries', entries_));
	END IF;
	outcome := 'ok';
	body := jsonb_build_object(CASE WHEN p_restore THEN 'restored'
	                                ELSE 'voided' END, cardinality(ids),
	                           'vote_ids', to_jsonb(ids),
	                           'entries', entries_);
END
$$;

-- GET /contests/{slug}/fraud: suspicious bursts of valid votes, with the
-- evidence.  Kinds:
--   ip              >= 5 votes for one entry from one address within 10 min
--   prefix          >= 10 votes for one entry from one /24 (/48) within
--                   10 min, from 2 or more addresses
--   fresh_accounts  >= 3 votes for one entry by accounts that voted within
--                   30 min of their creation
--   steady_interval >= 6 votes for one entry whose gaps have a mean under
--                   10 min and vary by less than 15% (stddev / mean)
-- Nothing is blocked: the report is for people to judge.
CREATE FUNCTION fraud_report(p_contest bigint) RETURNS jsonb
LANGUAGE sql STABLE
AS $$
	WITH v AS (
		SELECT v.id, v.entry_id, v.voter_id, v.ip, v.ip_prefix,
		       v.created_at, a.created_at AS account_at
		  FROM votes v JOIN accounts a ON a.id = v.voter_id
		 WHERE v.contest_id = p_contest AND v.voided_at IS NULL),
	ipw AS (
		SELECT DISTINCT ON (entry_id, ip) entry_id, host(ip) AS addr,
		       created_at AS t0, n
		  FROM (SELECT v.*, count(*) OVER (PARTITION BY entry_id, ip
		               ORDER BY created_at RANGE BETWEEN CURRENT ROW
		               AND '10 minutes' FOLLOWING) AS n
		          FROM v WHERE ip IS NOT NULL) w
		 WHERE n >= 5 ORDER BY entry_id, ip, n DESC, created_at),
	pfw AS (
		SELECT DISTINCT ON (entry_id, ip_prefix) entry_id,
		       ip_prefix::text AS addr, created_at AS t0, n
		  FROM (SELECT v.*, count(*) OVER (PARTITION BY entry_id, ip_prefix
		               ORDER BY created_at RANGE BETWEEN CURRENT ROW
		               AND '10 minutes' FOLLOWING) AS n
		          FROM v WHERE ip_prefix IS NOT NULL) w
		 WHERE n >= 10 ORDER BY entry_id, ip_prefix, n DESC, created_at),
	bursts AS (
		SELECT 'ip' AS kind, b.entry_id, b.addr,
		       array_agg(v.id ORDER BY v.created_at, v.id) AS ids,
		       'votes for one entry from one address within 10 minutes'
		           AS evidence
		  FROM ipw b JOIN v ON v.entry_id = b.entry_id
		   AND host(v.ip) = b.addr AND v.created_at >= b.t0
		   AND v.created_at <= b.t0 + interval '10 minutes'
		 GROUP BY b.entry_id, b.addr
		UNION ALL
		SELECT 'prefix', b.entry_id, b.addr,
		       array_agg(v.id ORDER BY v.created_at, v.id),
		       'votes for one entry from one network within 10 minutes'
		  FROM pfw b JOIN v ON v.entry_id = b.entry_id
		   AND v.ip_prefix::text = b.addr AND v.created_at >= b.t0
		   AND v.created_at <= b.t0 + interval '10 minutes'
		 GROUP BY b.entry_id, b.addr
		HAVING count(DISTINCT v.ip) >= 2
		UNION ALL
		SELECT 'fresh_accounts', v.entry_id, NULL,
		       array_agg(v.id ORDER BY v.created_at, v.id),
		       'votes by accounts created less than 30 minutes earlier'
		  FROM v WHERE v.created_at - v.account_at < interval '30 minutes'
		 GROUP BY v.entry_id HAVING count(*) >= 3
		UNION ALL
		SELECT 'steady_interval', g.entry_id, NULL, g.ids,
		       'votes at machine-like regular intervals (mean gap '
		       || round(g.mean, 1) || ' s, deviation '
		       || round(g.sd, 1) || ' s)'
		  FROM (SELECT entry_id, array_agg(id ORDER BY created_at, id) AS ids,
		               avg(gap) AS mean, stddev_pop(gap) AS sd,
		               count(*) AS n
		          FROM (SELECT v.id, v.entry_id, v.created_at,
		                       extract(epoch FROM v.created_at - lag(v.created_at)
		                           OVER (PARTITION BY v.entry_id
		                                 ORDER BY v.created_at, v.id)) AS gap
		                  FROM v) s
		         GROUP BY entry_id) g
		 WHERE g.n >= 6 AND g.mean > 0 AND g.mean < 600
		   AND g.sd < 0.15 * g.mean)
	SELECT jsonb_build_object('bursts', coalesce(jsonb_agg(jsonb_build_object(
		'kind', b.kind,
		'entry', jsonb_build_object('id', e.id, 'title', e.title,
		                            'votes', jury_vote_count(e.id)),
		'address', b.addr,
		'votes', cardinality(b.ids),
		'accounts', (SELECT count(DISTINCT x.voter_id) FROM v x
		              WHERE x.id = ANY (b.ids)),
		'from', (SELECT min(x.created_at) FROM v x WHERE x.id = ANY (b.ids)),
		'until', (SELECT max(x.created_at) FROM v x WHERE x.id = ANY (b.ids)),
		'evidence', b.evidence,
		'vote_ids', to_jsonb(b.ids),
		'voters', (SELECT jsonb_agg(DISTINCT jsonb_build_object(
		              'username', a.username,
		              'created_at', a.created_at))
		             FROM v x JOIN accounts a ON a.id = x.voter_id
		            WHERE x.id = ANY (b.ids)))
		ORDER BY cardinality(b.ids) DESC, b.kind, e.id), '[]'),
		'rules', jsonb_build_object('ip_votes', 5, 'prefix_votes', 10,
		         'window_minutes', 10, 'fresh_minutes', 30,
		         'fresh_votes', 3, 'steady_votes', 6,
		         'steady_max_deviation', 0.15))
	  FROM bursts b JOIN entries e ON e.id = b.entry_id
$$;
