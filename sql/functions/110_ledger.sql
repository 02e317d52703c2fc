-- 110_ledger.sql: the vote ledger, the review of flagged votes (quarantine),
-- appeals and the prize count (issue 16).  Tables: migration 035.

SET search_path = netdep, pg_catalog;

-- --- the ledger ------------------------------------------------------------
-- The canonical bytes of an event: the kind, its time and the vote's
-- fields that never change (not ip/ip_prefix/ua_hash, purged after the
-- retention period or when a voter erases their data (120_consent.sql),
-- nor voided_at, which the void/restore events record), in
-- PostgreSQL's binary send formats: exact (microseconds, no rounding),
-- independent of DateStyle, IntervalStyle and time zone, and cheap (text
-- formatting cost a vote ~10%).  STABLE, not IMMUTABLE: convert_to() is
-- STABLE, and PostgreSQL inlines a SQL function only when its body is no
-- more volatile than it says; declared IMMUTABLE, it ran through the SQL
-- function executor, planned again at every vote (~15% of a vote's
-- instructions under callgrind; README, the ledger).
CREATE FUNCTION ledger_bytes_of(p_kind text, p_at timestamptz, p_id bigint,
                                p_contest bigint, p_entry bigint,
                                p_voter bigint, p_period date, p_day date,
                                p_created timestamptz, p_age interval)
RETURNS bytea LANGUAGE sql STABLE AS $$
	SELECT convert_to(p_kind, 'UTF8') || timestamptz_send(p_at)
	       || int8send(p_id) || int8send(p_contest)
	       || int8send(p_entry) || int8send(p_voter)
	       || date_send(p_period) || date_send(p_day)
	       || timestamptz_send(p_created)
	       || coalesce(interval_send(p_age), '\x'::bytea);
$$;

CREATE FUNCTION ledger_bytes(p_kind text, p_at timestamptz, v votes)
RETURNS bytea LANGUAGE sql STABLE AS $$
	SELECT ledger_bytes_of(p_kind, p_at, v.id, v.contest_id, v.entry_id,
	                       v.voter_id, v.period, v.vote_day, v.created_at,
	                       v.account_age);
$$;

-- 256 chains.  A chain's lock (class 1987) is held to commit.  Voids,
-- restores and votes inserted by hand go to their voter's chain (voter id
-- mod 256) and wait for its lock; a batch of votes (vote_cast_many) takes
-- any free chain and never waits (ledger_take_chain).
CREATE FUNCTION ledger_chains() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 256 $$;

-- The chain of a batch of votes, locked: the first free one from a place
-- fixed by the connection (a vote writer keeps its chain, whose last
-- link is then in cache), by try-lock, so batches on several connections
-- never wait on each other's chains, nor for a void's.  Every chain busy
-- (256 transactions appending at once): wait for the first.  A chain this
-- transaction holds already is free to it.
CREATE FUNCTION ledger_take_chain() RETURNS integer
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
DECLARE
	nch integer := ledger_chains();
	s   integer := pg_backend_pid() % nch;
BEGIN
	FOR k IN 0 .. nch - 1 LOOP
		IF pg_try_advisory_xact_lock(1987, (s + k) % nch) THEN
			RETURN (s + k) % nch;
		END IF;
	END LOOP;
	PERFORM pg_advisory_xact_lock(1987, s);
	RETURN s;
END
$$;

-- The last link of chain p_chain (no row: none yet): the votes carrying
-- their own link (votes_ledger_idx, migration 070) or vote_ledger,
-- whichever is further; two index probes.  Read it under the chain's lock.
CREATE FUNCTION ledger_last(p_chain integer)
RETURNS TABLE (seq bigint, hash bytea)
LANGUAGE sql STABLE AS $$
	SELECT x.seq, x.hash
	  FROM ((SELECT v.ledger_seq AS seq, v.ledger_hash AS hash
	           FROM netdep.votes v WHERE v.ledger_chain = p_chain
	          ORDER BY v.ledger_seq DESC LIMIT 1)
	        UNION ALL
	        (SELECT l.seq, l.hash FROM netdep.vote_ledger l
	          WHERE l.chain = p_chain ORDER BY l.seq DESC LIMIT 1)) x
	 ORDER BY x.seq DESC LIMIT 1;
$$;

-- Appends one event to the chain of the vote's voter, in vote_ledger.
-- Class 1987: the chain locks (vote_cast's voter locks are class 1986).
-- Callers append in chain order, so two statements never wait on each
-- other in a cycle.  vote_cast() writes a vote's link into the vote row
-- itself (migration 070), on its batch's chain.
CREATE FUNCTION ledger_append(p_kind text, p_at timestamptz, v votes)
RETURNS void
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
DECLARE
	ch   integer := (v.voter_id % ledger_chains())::integer;
BEGIN
	PERFORM pg_advisory_xact_lock(1987, ch);
	INSERT INTO vote_ledger (chain, seq, at, kind, vote_id, hash)
	SELECT ch, coalesce(h.seq, 0) + 1, p_at, p_kind, v.id,
	       sha256(coalesce(h.hash, '\x'::bytea)
	              || ledger_bytes(p_kind, p_at, v))
	  FROM (SELECT 1) one LEFT JOIN ledger_last(ch) h ON true;
END
$$;

-- Every link of every chain: the votes that carry their own link
-- (vote_cast(), migration 070) and the rows of vote_ledger (voids,
-- restores, votes before 070 or inserted by hand).  Inlined into the
-- caller's query, so a bound on "at" reaches both BRIN indexes.
CREATE FUNCTION ledger_links()
RETURNS TABLE (chain integer, seq bigint, at timestamptz, kind text,
               vote_id bigint, hash bytea)
LANGUAGE sql STABLE AS $$
	SELECT v.ledger_chain::integer, v.ledger_seq, v.created_at,
	       'vote'::text, v.id, v.ledger_hash
	  FROM netdep.votes v WHERE v.ledger_seq IS NOT NULL
	UNION ALL
	SELECT l.chain::integer, l.seq, l.at, l.kind, l.vote_id, l.hash
	  FROM netdep.vote_ledger l;
$$;

-- New votes: votes_log_insert() in 030_votes.sql appends them.

-- Voids and restores (whoever makes them: votes_void, review_decide, or
-- SQL by hand); a voided vote still under review leaves the review.
CREATE FUNCTION votes_ledger_update() RETURNS trigger
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
DECLARE
	v votes;
BEGIN
	FOR v IN SELECT n.* FROM new_rows n JOIN old_rows o
	                ON o.id = n.id
	          WHERE (n.voided_at IS NULL) <> (o.voided_at IS NULL)
	          ORDER BY n.voter_id % ledger_chains(), n.id LOOP
		IF v.voided_at IS NOT NULL THEN
			PERFORM ledger_append('void', v.voided_at, v);
		ELSE
			PERFORM ledger_append('restore', now(), v);
		END IF;
	END LOOP;
	UPDATE vote_review r SET state = 'voided', decided_at = now(),
	       decided_by = coalesce(r.decided_by, 'votes.void'),
	       reason = coalesce(r.reason, n.void_reason)
	  FROM new_rows n
	 WHERE r.vote_id = n.id AND n.voided_at IS NOT NULL
	   AND r.state = 'held';
	RETURN NULL;
END
$$;

CREATE TRIGGER votes_ledger_update AFTER UPDATE ON votes
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION votes_ledger_update();

-- Recomputes every chain from its first link and reports every broken
-- link, in chain order: a gap in seq, an event whose vote row is gone or
-- whose hash does not match (the vote row, or the ledger row, was
-- changed).  Past a broken link the walk goes on from the link's stored
-- hash, so one changed row hides none of the links after it (a changed
-- stored hash breaks its own link and the next).  Then votes missing from
-- the ledger (cast after it started) and votes whose void state is not
-- what their last event says (the vote's voids and restores are on its
-- voter's chain, its vote link on its batch's: the last event is the
-- last void or restore, or else the vote).  No row: every link holds.
CREATE FUNCTION ledger_verify(OUT chain integer, OUT seq bigint,
                              OUT kind text, OUT vote_id bigint,
                              OUT problem text)
RETURNS SETOF record
LANGUAGE plpgsql STABLE SET search_path = netdep, pg_catalog AS $$
DECLARE
	r      record;
	cur    integer := -1;
	prev   bytea;
	expect bigint;
BEGIN
	FOR r IN SELECT l.chain AS ch, l.seq AS sq, l.at, l.kind AS k,
	                l.vote_id AS vid, l.hash, v
	           FROM ledger_links() l LEFT JOIN votes v ON v.id = l.vote_id
	          ORDER BY l.chain, l.seq LOOP
		IF r.ch <> cur THEN
			cur := r.ch; prev := '\x'; expect := 1;
		END IF;
		chain := r.ch; seq := r.sq; kind := r.k; vote_id := r.vid;
		problem := NULL;
		IF r.sq <> expect THEN
			problem := CASE WHEN r.sq = expect + 1
			                THEN format('link %s is missing', expect)
			                WHEN r.sq > expect
			                THEN format('links %s to %s are missing',
			                            expect, r.sq - 1)
			                ELSE format('link %s appears twice', r.sq)
			                END;
		ELSIF (r.v).id IS NULL THEN
			problem := 'the vote row is gone';
		ELSIF sha256(prev || ledger_bytes(r.k, r.at, r.v)) <> r.hash THEN
			problem := 'hash mismatch: the vote row or the ledger row was changed';
		END IF;
		IF problem IS NOT NULL THEN
			RETURN NEXT;
		END IF;
		prev := r.hash;
		expect := r.sq + 1;
	END LOOP;
	RETURN QUERY
	SELECT NULL::integer, NULL::bigint, NULL::text, v.id,
	       'vote not in the ledger'::text
	  FROM votes v
	 WHERE v.id > (SELECT first_vote FROM ledger_meta)
	   AND v.ledger_seq IS NULL
	   AND NOT EXISTS (SELECT 1 FROM vote_ledger l
	                    WHERE l.vote_id = v.id AND l.kind = 'vote')
	 ORDER BY v.id;
	RETURN QUERY
	SELECT x.chain::integer, x.seq, x.kind, x.vote_id,
	       'the vote''s void state differs from its last event'::text
	  FROM (SELECT DISTINCT ON (l.vote_id) l.* FROM ledger_links() l
	         ORDER BY l.vote_id, l.kind = 'vote', l.seq DESC) x
	  JOIN votes v ON v.id = x.vote_id
	 WHERE (v.voided_at IS NULL) <> (x.kind IN ('vote', 'restore'))
	 ORDER BY x.vote_id;
END
$$;

-- The digest of Vietnam day p_day: every chain's last link at the end of
-- the day, a root hash over them (sha256 of "chain:seq:hash\n" lines in
-- chain order) and the day's events by kind.  The heads start from the
-- last published digest before p_day (its heads, as of the end of its
-- day) and take the links since: a day's links are read through the
-- BRIN indexes on the votes' and vote_ledger's times, never the whole
-- ledger (only the first digest ever reads all of it).
CREATE FUNCTION ledger_digest(p_day date) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = netdep, pg_catalog AS $$
	WITH b AS (
		SELECT p_day::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' AS t0,
		       (p_day + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' AS t1
	), base AS (
		SELECT (d.day + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' AS tb,
		       d.body
		  FROM ledger_digests d WHERE d.day < p_day
		 ORDER BY d.day DESC LIMIT 1
	), since AS (
		SELECT l.chain, l.seq, l.hash, l.at, l.kind
		  FROM ledger_links() l, b
		 WHERE l.at >= coalesce((SELECT tb FROM base), '-infinity')
		   AND l.at < b.t1
	), heads AS (
		SELECT DISTINCT ON (x.chain) x.chain, x.seq, x.hash
		  FROM (SELECT (c->>'chain')::integer AS chain,
		               (c->>'seq')::bigint AS seq,
		               decode(c->>'hash', 'hex') AS hash
		          FROM base, jsonb_array_elements(base.body->'chains') c
		        UNION ALL
		        SELECT s.chain, s.seq, s.hash FROM since s) x
		 ORDER BY x.chain, x.seq DESC
	), counts AS (
		SELECT count(*) FILTER (WHERE l.kind = 'vote') AS votes,
		       count(*) FILTER (WHERE l.kind = 'void') AS voids,
		       count(*) FILTER (WHERE l.kind = 'restore') AS restores
		  FROM ledger_links() l, b WHERE l.at >= b.t0 AND l.at < b.t1
	)
	SELECT jsonb_build_object(
		'date', to_char(p_day, 'YYYY-MM-DD'),
		'root', encode(sha256(convert_to(coalesce((SELECT string_agg(
			h.chain || ':' || h.seq || ':' || encode(h.hash, 'hex') || E'\n',
			'' ORDER BY h.chain) FROM heads h), ''), 'UTF8')), 'hex'),
		'votes', c.votes, 'voids', c.voids, 'restores', c.restores,
		'chains', coalesce((SELECT jsonb_agg(jsonb_build_object(
			'chain', h.chain, 'seq', h.seq,
			'hash', encode(h.hash, 'hex')) ORDER BY h.chain)
			FROM heads h), '[]'))
	  FROM counts c;
$$;

-- Publishes the digest of every finished Vietnam day not published yet
-- (from the ledger's first day), five minutes after midnight so that no
-- transaction of that day is still open.  The folder calls it.
CREATE FUNCTION ledger_publish() RETURNS integer
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
DECLARE
	d     date;
	last  date := ((now() - interval '5 minutes')
	               AT TIME ZONE 'Asia/Ho_Chi_Minh')::date - 1;
	n     integer := 0;
	body_ jsonb;
BEGIN
	-- The first day: the first link in vote_ledger or the first vote
	-- carrying its own link (by id: the primary key, not a scan).
	SELECT coalesce(max(day) + 1,
	       (SELECT (min(x.at) AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
	          FROM (SELECT min(l.at) AS at FROM vote_ledger l
	                UNION ALL
	                (SELECT v.created_at FROM votes v
	                  WHERE v.id > (SELECT first_vote FROM ledger_meta)
	                    AND v.ledger_seq IS NOT NULL
	                  ORDER BY v.id LIMIT 1)) x))
	  INTO d FROM ledger_digests;
	WHILE d IS NOT NULL AND d <= last LOOP
		body_ := ledger_digest(d);
		INSERT INTO ledger_digests (day, root, body)
		VALUES (d, decode(body_->>'root', 'hex'), body_)
		ON CONFLICT DO NOTHING;
		n := n + 1;
		d := d + 1;
	END LOOP;
	RETURN n;
END
$$;

-- GET /api/v1/ledger/digests: the published days, newest first, and the
-- running digest of today (not final).
CREATE FUNCTION ledger_digests_json(p_limit integer) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = netdep, pg_catalog AS $$
	SELECT jsonb_build_object(
		'chains', ledger_chains(),
		'today', ledger_digest((now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date),
		'days', coalesce((SELECT jsonb_agg((x.body - 'chains') || jsonb_build_object(
			'published_at', x.published_at) ORDER BY x.day DESC)
			FROM (SELECT * FROM ledger_digests ORDER BY day DESC
			       LIMIT p_limit) x), '[]'));
$$;

-- --- fraud rules and the review scan ----------------------------------------
-- The rules of a contest, defaults for the ones never set (off).
CREATE FUNCTION fraud_rules_json(p_contest bigint) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = netdep, pg_catalog AS $$
	SELECT coalesce(jsonb_agg(jsonb_build_object('rule', d.rule,
		'enabled', coalesce(f.enabled, false),
		'min_votes', coalesce(f.min_votes, d.min_votes),
		'window_minutes', coalesce(f.window_minutes, d.window_minutes),
		'max_age_hours', coalesce(f.max_age_hours, d.max_age_hours))
		ORDER BY d.pos), '[]')
	  FROM (VALUES (1, 'burst_prefix', 20, 10, 24),
	               (2, 'fresh_accounts', 5, 30, 24),
	               (3, 'shared_device', 5, 1440, 24))
	       d (pos, rule, min_votes, window_minutes, max_age_hours)
	  LEFT JOIN fraud_rules f ON f.contest_id = p_contest AND f.rule = d.rule;
$$;

-- The rules and the proof of work per vote (contests.vote_pow), as
-- GET /contests/{slug}/fraud-rules answers them.
CREATE FUNCTION vote_guards_json(p_contest bigint) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = netdep, pg_catalog AS $$
	SELECT fraud_rules_json(p_contest) || jsonb_build_array(
		jsonb_build_object('rule', 'vote_pow', 'enabled',
			(SELECT c.vote_pow FROM contests c WHERE c.id = p_contest)));
$$;

-- Sets one rule (NULL arguments keep the current or default value);
-- audited.  Outcome ok or invalid_field (detail: the field).
CREATE FUNCTION fraud_rule_set(p_contest bigint, p_actor bigint, p_name text,
                               p_ip text, p_rule text, p_enabled boolean,
                               p_min integer, p_window integer,
                               p_age integer,
                               OUT outcome text, OUT detail text,
                               OUT body jsonb)
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
DECLARE
	before_ jsonb := vote_guards_json(p_contest);
	d       jsonb;
BEGIN
	IF p_rule = 'vote_pow' THEN
		UPDATE contests SET vote_pow = coalesce(p_enabled, vote_pow)
		 WHERE id = p_contest;
		body := jsonb_build_object('rules', vote_guards_json(p_contest));
		PERFORM audit(p_actor, p_name, p_ip, 'fraud.rules', 'contest',
		              p_contest, p_contest, before_, body->'rules');
		outcome := 'ok';
		RETURN;
	END IF;
	SELECT x INTO d FROM jsonb_array_elements(before_) x
	 WHERE x->>'rule' = p_rule;
	IF NOT FOUND THEN
		outcome := 'invalid_field'; detail := 'rule'; RETURN;
	END IF;
	IF p_min IS NOT NULL AND p_min NOT BETWEEN 2 AND 100000 THEN
		outcome := 'invalid_field'; detail := 'min_votes'; RETURN;
	END IF;
	IF p_window IS NOT NULL AND p_window NOT BETWEEN 1 AND 10080 THEN
		outcome := 'invalid_field'; detail := 'window_minutes'; RETURN;
	END IF;
	IF p_age IS NOT NULL AND p_age NOT BETWEEN 1 AND 8760 THEN
		outcome := 'invalid_field'; detail := 'max_age_hours'; RETURN;
	END IF;
	INSERT INTO fraud_rules AS f (contest_id, rule, enabled, min_votes,
	                              window_minutes, max_age_hours)
	VALUES (p_contest, p_rule,
	        coalesce(p_enabled, (d->>'enabled')::boolean),
	        coalesce(p_min, (d->>'min_votes')::integer),
	        coalesce(p_window, (d->>'window_minutes')::integer),
	        coalesce(p_age, (d->>'max_age_hours')::integer))
	ON CONFLICT (contest_id, rule) DO UPDATE
	   SET enabled = EXCLUDED.enabled, min_votes = EXCLUDED.min_votes,
	       window_minutes = EXCLUDED.window_minutes,
	       max_age_hours = EXCLUDED.max_age_hours;
	body := jsonb_build_object('rules', vote_guards_json(p_contest));
	PERFORM audit(p_actor, p_name, p_ip, 'fraud.rules', 'contest',
	              p_contest, p_contest, before_, body->'rules');
	outcome := 'ok';
END
$$;

-- Holds (state 'held') the votes of v that a rule flags; the rules:
--   burst_prefix    >= min_votes votes from one /24 (/48) within
--                   window_minutes, any entries
--   fresh_accounts  >= min_votes votes for one entry within window_minutes
--                   by accounts younger than max_age_hours when they voted
--   shared_device   >= min_votes accounts voting with one browser hash
--                   (user-agent hash) within window_minutes
-- A vote is in a burst when some window of that length holds it and at
-- least min_votes votes (the latest vote u of such a window has >=
-- min_votes votes in [u - w, u]).
CREATE FUNCTION review_scan(OUT flagged bigint)
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
DECLARE
	lo  bigint;
	hi  bigint;
	r   fraud_rules;
	w   interval;
	n   bigint;
	t0  timestamptz;
	t1  timestamptz;
BEGIN
	flagged := 0;
	IF NOT pg_try_advisory_xact_lock(hashtext('netdep.review_scan')) THEN
		flagged := -1;
		RETURN;
	END IF;
	-- Yesterday's digest, once it is over (idle days too).
	PERFORM ledger_publish();
	SELECT last_vote INTO lo FROM review_cursor WHERE id = 1;
	SELECT max(id) INTO hi FROM votes;
	IF hi IS NULL OR hi <= lo THEN
		RETURN;
	END IF;
	UPDATE review_cursor SET last_vote = hi WHERE id = 1;
	-- Ids are taken before commit: look back 500 ids for votes that
	-- committed after the last scan passed them (flagging is idempotent).
	lo := lo - 500;
	FOR r IN SELECT f.* FROM fraud_rules f
	          WHERE f.enabled AND f.contest_id IN (
	                SELECT DISTINCT v.contest_id FROM votes v
	                 WHERE v.id > lo AND v.id <= hi)
	          ORDER BY f.contest_id, f.rule LOOP
		w := make_interval(mins => r.window_minutes);
		-- Only the votes near the new ones are read (the contest/day
		-- index), never the whole contest.
		SELECT min(v.created_at), max(v.created_at) INTO t0, t1
		  FROM votes v
		 WHERE v.id > lo AND v.id <= hi AND v.contest_id = r.contest_id;
		IF r.rule IN ('burst_prefix', 'fresh_accounts') THEN
			-- Bursts: per /24 (burst_prefix) or per entry among young
			-- accounts' votes (fresh_accounts).
			WITH c AS (
				SELECT v.id, v.entry_id, v.created_at,
				       CASE WHEN r.rule = 'burst_prefix'
				            THEN v.ip_prefix::text
				            ELSE v.entry_id::text END AS k
				  FROM votes v
				 WHERE v.contest_id = r.contest_id AND v.voided_at IS NULL
				   AND v.vote_day BETWEEN
				       ((t0 - 2 * w) AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
				       AND ((t1 + 2 * w) AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
				   AND v.created_at BETWEEN t0 - 2 * w AND t1 + 2 * w
				   AND CASE WHEN r.rule = 'burst_prefix'
				            THEN v.ip_prefix IS NOT NULL
				            ELSE v.account_age
				                 < make_interval(hours => r.max_age_hours) END
			), g AS (
				SELECT c.k, min(c.created_at) AS t0, max(c.created_at) AS t1
				  FROM c WHERE c.id > lo AND c.id <= hi
				 GROUP BY 1
			), a AS (
				SELECT c.id, c.entry_id, c.k, c.created_at,
				       count(*) OVER (PARTITION BY c.k
				                      ORDER BY c.created_at
				                      RANGE BETWEEN w PRECEDING
				                      AND CURRENT ROW) AS back
				  FROM c JOIN g ON c.k = g.k
				 WHERE c.created_at BETWEEN g.t0 - 2 * w AND g.t1 + 2 * w
			), b AS (
				SELECT a.id, a.entry_id,
				       max(a.back) OVER (PARTITION BY a.k
				                         ORDER BY a.created_at
				                         RANGE BETWEEN CURRENT ROW
				                         AND w FOLLOWING) AS m
				  FROM a
			), ins AS (
				INSERT INTO vote_review (vote_id, contest_id, entry_id,
				                         rule, state)
				SELECT b.id, r.contest_id, b.entry_id, r.rule, 'held'
				  FROM b WHERE b.m >= r.min_votes
				ON CONFLICT (vote_id) DO NOTHING RETURNING 1
			)
			SELECT count(*) INTO n FROM ins;
		ELSE
			WITH g AS (
				SELECT v.ua_hash, min(v.created_at) AS t0,
				       max(v.created_at) AS t1
				  FROM votes v
				 WHERE v.id > lo AND v.id <= hi
				   AND v.contest_id = r.contest_id
				   AND v.ua_hash IS NOT NULL AND v.voided_at IS NULL
				 GROUP BY 1
			), a AS (
				SELECT v.id, v.entry_id, v.ua_hash, v.voter_id
				  FROM votes v JOIN g ON v.ua_hash = g.ua_hash
				 WHERE v.contest_id = r.contest_id
				   AND v.vote_day BETWEEN
				       ((g.t0 - w) AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
				       AND ((g.t1 + w) AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
				   AND v.created_at BETWEEN g.t0 - w AND g.t1 + w
				   AND v.voided_at IS NULL
			), bad AS (
				SELECT ua_hash FROM a GROUP BY 1
				HAVING count(DISTINCT voter_id) >= r.min_votes
			), ins AS (
				INSERT INTO vote_review (vote_id, contest_id, entry_id,
				                         rule, state)
				SELECT a.id, r.contest_id, a.entry_id, 'shared_device',
				       'held'
				  FROM a JOIN bad USING (ua_hash)
				ON CONFLICT (vote_id) DO NOTHING RETURNING 1
			)
			SELECT count(*) INTO n FROM ins;
		END IF;
		flagged := flagged + n;
	END LOOP;
	IF flagged > 0 THEN
		PERFORM pg_notify('netdep_boards', '');
	END IF;
END
$$;

-- Votes under review of one entry (boards show it next to the count).
CREATE FUNCTION review_held(p_entry bigint) RETURNS bigint
LANGUAGE sql STABLE SET search_path = netdep, pg_catalog AS $$
	SELECT count(*) FROM vote_review r
	 WHERE r.entry_id = p_entry AND r.state = 'held';
$$;

-- The votes that count for a prize (valid and not held for review):
-- prize_votes() in 100_tracks.sql, the one definition the tracks read.

-- GET /contests/{slug}/review: the votes under review of a contest, by
-- entry and rule, with their ids (judges and admins).
CREATE FUNCTION review_list(p_contest bigint) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = netdep, pg_catalog AS $$
	SELECT jsonb_build_object(
		'rules', fraud_rules_json(p_contest),
		'held', coalesce((SELECT jsonb_agg(jsonb_build_object(
			'entry', x.entry_id, 'rule', x.rule, 'votes', x.n,
			'vote_ids', x.ids) ORDER BY x.entry_id, x.rule)
			FROM (SELECT r.entry_id, r.rule, count(*) AS n,
			             array_agg(r.vote_id ORDER BY r.vote_id) AS ids
			        FROM vote_review r
			       WHERE r.contest_id = p_contest AND r.state = 'held'
			       GROUP BY 1, 2) x), '[]'),
		'decided', (SELECT jsonb_build_object(
			'confirmed', count(*) FILTER (WHERE r.state = 'confirmed'),
			'voided', count(*) FILTER (WHERE r.state = 'voided'))
			FROM vote_review r WHERE r.contest_id = p_contest));
$$;

-- POST /contests/{slug}/review/confirm|void: decides the held votes of
-- p_ids (or, with p_ids NULL, every held vote of entry p_entry or of the
-- contest when that is NULL too) with a reason; void sets voided_at (the
-- ledger and the counts follow through the votes triggers).  Audited.
CREATE FUNCTION review_decide(p_contest bigint, p_actor bigint, p_name text,
                              p_ip text, p_ids jsonb, p_entry bigint,
                              p_void boolean, p_reason text,
                              OUT outcome text, OUT detail text,
                              OUT body jsonb)
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
DECLARE
	ids bigint[];
BEGIN
	IF p_reason IS NULL OR length(btrim(p_reason)) = 0 THEN
		outcome := 'invalid_field'; detail := 'reason'; RETURN;
	END IF;
	WITH d AS (
		UPDATE vote_review r
		   SET state = CASE WHEN p_void THEN 'voided' ELSE 'confirmed' END,
		       decided_at = now(), decided_by = p_name, reason = p_reason
		 WHERE r.contest_id = p_contest AND r.state = 'held'
		   AND (p_ids IS NULL OR r.vote_id IN
		        (SELECT x::bigint FROM jsonb_array_elements_text(p_ids) x))
		   AND (p_entry IS NULL OR r.entry_id = p_entry)
		RETURNING r.vote_id)
	SELECT coalesce(array_agg(vote_id ORDER BY vote_id), '{}') INTO ids
	  FROM d;
	IF p_void AND cardinality(ids) > 0 THEN
		UPDATE votes v SET voided_at = now(), void_reason = p_reason
		 WHERE v.id = ANY (ids) AND v.voided_at IS NULL;
	END IF;
	IF cardinality(ids) > 0 THEN
		PERFORM audit(p_actor, p_name, p_ip,
		              CASE WHEN p_void THEN 'review.void'
		                   ELSE 'review.confirm' END,
		              'contest', p_contest, p_contest,
		              jsonb_build_object('vote_ids', to_jsonb(ids),
		                                 'state', 'held'),
		              jsonb_build_object('vote_ids', to_jsonb(ids),
		                                 'state', CASE WHEN p_void
		                                     THEN 'voided'
		                                     ELSE 'confirmed' END,
		                                 'reason', p_reason));
		PERFORM pg_notify('netdep_boards', '');
	END IF;
	outcome := 'ok';
	body := jsonb_build_object(CASE WHEN p_void THEN 'voided'
	                                ELSE 'confirmed' END, cardinality(ids),
	                           'vote_ids', to_jsonb(ids));
END
$$;

-- --- the entrant's view and appeals -------------------------------------------
-- GET /me/review: per entry of p_account, how many of its votes are under
-- review or voided and the rules and reasons in general terms; and the
-- account's appeals with their answers.  No voter data.
CREATE FUNCTION review_mine(p_account bigint) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = netdep, pg_catalog AS $$
	SELECT jsonb_build_object(
		'entries', coalesce((SELECT jsonb_agg(jsonb_build_object(
			'entry', x.entry_id, 'title', x.title, 'contest', x.slug,
			'under_review', x.held, 'voided', x.voided,
			'rules', x.rules, 'reasons', x.reasons) ORDER BY x.entry_id)
			FROM (SELECT e.id AS entry_id, e.title, c.slug,
			             count(*) FILTER (WHERE r.state = 'held') AS held,
			             count(*) FILTER (WHERE r.state = 'voided') AS voided,
			             to_jsonb(array_agg(DISTINCT r.rule)) AS rules,
			             coalesce(to_jsonb(array_agg(DISTINCT r.reason)
			                 FILTER (WHERE r.reason IS NOT NULL)), '[]')
			                 AS reasons
			        FROM entries e JOIN contests c ON c.id = e.contest_id
			        JOIN vote_review r ON r.entry_id = e.id
			       WHERE e.account_id = p_account
			       GROUP BY e.id, e.title, c.slug) x), '[]'),
		'appeals', coalesce((SELECT jsonb_agg(jsonb_build_object(
			'id', a.id, 'entry', a.entry_id, 'message', a.message,
			'created_at', a.created_at, 'answer', a.answer,
			'answered_at', a.answered_at) ORDER BY a.id)
			FROM appeals a WHERE a.account_id = p_account), '[]'));
$$;

-- POST /entries/{id}/appeals: the entrant's appeal.  Outcomes: ok,
-- no_entry (not theirs), invalid_field.
CREATE FUNCTION appeal_file(p_account bigint, p_name text, p_ip text,
                            p_entry bigint, p_message text,
                            OUT outcome text, OUT detail text,
                            OUT body jsonb)
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
DECLARE
	e   entries%ROWTYPE;
	aid bigint;
BEGIN
	SELECT * INTO e FROM entries WHERE id = p_entry AND account_id = p_account;
	IF NOT FOUND THEN
		outcome := 'no_entry'; RETURN;
	END IF;
	IF p_message IS NULL OR length(btrim(p_message)) = 0
	   OR length(p_message) > 2000 THEN
		outcome := 'invalid_field'; detail := 'message'; RETURN;
	END IF;
	INSERT INTO appeals (contest_id, entry_id, account_id, message)
	VALUES (e.contest_id, e.id, p_account, p_message) RETURNING id INTO aid;
	PERFORM audit(p_account, p_name, p_ip, 'appeal.file', 'appeal', aid,
	              e.contest_id, NULL,
	              jsonb_build_object('entry', e.id, 'message', p_message));
	outcome := 'ok';
	body := jsonb_build_object('id', aid, 'entry', e.id,
	                           'message', p_message, 'answer', NULL);
END
$$;

-- GET /admin/appeals: open appeals first, then answered, newest first.
CREATE FUNCTION appeals_queue(p_open boolean) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = netdep, pg_catalog AS $$
	SELECT jsonb_build_object('appeals', coalesce(jsonb_agg(jsonb_build_object(
		'id', a.id, 'contest', c.slug, 'entry', a.entry_id,
		'title', e.title, 'account', ac.username, 'message', a.message,
		'created_at', a.created_at, 'answer', a.answer,
		'answered_by', a.answered_by, 'answered_at', a.answered_at,
		'under_review', review_held(a.entry_id),
		'voided', (SELECT count(*) FROM vote_review r
		            WHERE r.entry_id = a.entry_id AND r.state = 'voided'))
		ORDER BY a.answer IS NOT NULL, a.id DESC), '[]'))
	  FROM appeals a JOIN contests c ON c.id = a.contest_id
	  JOIN entries e ON e.id = a.entry_id
	  JOIN accounts ac ON ac.id = a.account_id
	 WHERE NOT p_open OR a.answer IS NULL;
$$;

-- POST /admin/appeals/{id}/answer.  Outcomes: ok, no_appeal,
-- invalid_field, already_answered.
CREATE FUNCTION appeal_answer(p_id bigint, p_actor bigint, p_name text,
                              p_ip text, p_answer text,
                              OUT outcome text, OUT detail text,
                              OUT body jsonb)
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
DECLARE
	a appeals%ROWTYPE;
BEGIN
	SELECT * INTO a FROM appeals WHERE id = p_id FOR UPDATE;
	IF NOT FOUND THEN
		outcome := 'no_appeal'; RETURN;
	END IF;
	IF p_answer IS NULL OR length(btrim(p_answer)) = 0
	   OR length(p_answer) > 2000 THEN
		outcome := 'invalid_field'; detail := 'answer'; RETURN;
	END IF;
	IF a.answer IS NOT NULL THEN
		outcome := 'already_answered'; RETURN;
	END IF;
	UPDATE appeals SET answer = p_answer, answered_by = p_name,
	       answered_at = now() WHERE id = p_id;
	PERFORM audit(p_actor, p_name, p_ip, 'appeal.answer', 'appeal', p_id,
	              a.contest_id, jsonb_build_object('answer', NULL),
	              jsonb_build_object('answer', p_answer));
	outcome := 'ok';
	body := jsonb_build_object('id', p_id, 'answer', p_answer);
END
$$;
