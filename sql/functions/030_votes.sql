-- 030_votes.sql: Votes: casting, the change queue and its triggers, the folder, forensics purge.
-- Re-applied on every start (see sql/README.md); edit in place.

SET search_path = netdep, pg_catalog;

-- --- triggers: every change of votes lands in the queue ------------------
CREATE FUNCTION votes_log_insert() RETURNS trigger
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
BEGIN
	INSERT INTO vote_changes (entry_id, voter_id, vote_day, delta)
	SELECT entry_id, voter_id, vote_day, count(*)
	  FROM new_rows WHERE voided_at IS NULL
	 GROUP BY entry_id, voter_id, vote_day;
	RETURN NULL;
END
$$;

CREATE FUNCTION votes_log_delete() RETURNS trigger
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
BEGIN
	INSERT INTO vote_changes (entry_id, voter_id, vote_day, delta)
	SELECT entry_id, voter_id, vote_day, -count(*)
	  FROM old_rows WHERE voided_at IS NULL
	 GROUP BY entry_id, voter_id, vote_day;
	RETURN NULL;
END
$$;

-- Voiding (voided_at set), un-voiding, and moved days: old rows count -1,
-- new rows +1, and what cancels out is not queued (a purge of forensics
-- queues nothing).
CREATE FUNCTION votes_log_update() RETURNS trigger
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
BEGIN
	INSERT INTO vote_changes (entry_id, voter_id, vote_day, delta)
	SELECT entry_id, voter_id, vote_day, sum(d)
	  FROM (SELECT entry_id, voter_id, vote_day, -1 AS d
	          FROM old_rows WHERE voided_at IS NULL
	        UNION ALL
	        SELECT entry_id, voter_id, vote_day, 1
	          FROM new_rows WHERE voided_at IS NULL) x
	 GROUP BY entry_id, voter_id, vote_day
	HAVING sum(d) <> 0;
	RETURN NULL;
END
$$;

CREATE TRIGGER votes_log_insert AFTER INSERT ON votes
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION votes_log_insert();

CREATE TRIGGER votes_log_delete AFTER DELETE ON votes
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION votes_log_delete();

CREATE TRIGGER votes_log_update AFTER UPDATE ON votes
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION votes_log_update();

-- Nulls the IP address and user-agent hash of votes older than p_days
-- days, at most p_batch rows a call (the folder calls it until it
-- returns less).  The update queues no count change.
CREATE FUNCTION vote_purge_forensics(p_days integer, p_batch integer)
RETURNS bigint
LANGUAGE sql SET search_path = netdep, pg_catalog AS $$
	WITH old AS (
		SELECT id FROM votes
		 WHERE created_at < now() - make_interval(days => p_days)
		   AND (ip IS NOT NULL OR ua_hash IS NOT NULL)
		 LIMIT p_batch
	), u AS (
		UPDATE votes v SET ip = NULL, ua_hash = NULL FROM old
		 WHERE v.id = old.id RETURNING 1
	), k AS (
		DELETE FROM vote_requests
		 WHERE created_at < now() - interval '2 days'
	)
	SELECT count(*) FROM u;
$$;

-- --- casting a vote -------------------------------------------------------
-- One statement decides everything in one transaction: the rules, the
-- budget, the idempotency key (the first answer for (voter, key) is stored
-- with the vote; a retry gets it back, a concurrent retry waits on the
-- primary key and then gets it back), the account's age, and the time
-- p_now (the application passes now(); tests pass edge times such as
-- 23:59:59 Vietnam time, through this same function).  The outcome is
-- 'counted' or what stopped the vote: no_entry, not_approved,
-- voting_closed, own_entry, already_voted, already_voted_today,
-- budget_spent, key_reused (cgi/outcome.c says what a voter sees).
CREATE FUNCTION vote_cast(p_now timestamptz, p_entry bigint, p_voter bigint,
                          p_ip inet, p_ua_hash bytea, p_key text,
                          OUT outcome text,
                          OUT vote_count bigint, OUT votes_left integer)
LANGUAGE plpgsql
SET search_path = netdep, pg_catalog
AS $$
DECLARE
	c        contests%ROWTYPE;
	e        entries%ROWTYPE;
	v_day    date := (p_now AT TIME ZONE 'Asia/Ho_Chi_Minh')::date;
	v_period date;
	used_n   integer;
	vid      bigint;
	k_entry  bigint;
BEGIN
	vote_count := NULL;
	votes_left := NULL;
	IF p_key IS NOT NULL THEN
		-- status 0: in progress; 1: answered (the outcome is in reason).
		INSERT INTO vote_requests (voter_id, idem_key, entry_id, status,
		                           reason)
		VALUES (p_voter, p_key, p_entry, 0, '')
		ON CONFLICT (voter_id, idem_key) DO NOTHING;
		IF NOT FOUND THEN
			-- A retry: the first request committed (the insert above
			-- waited for it); answer what it answered.
			SELECT r.reason, r.vote_count, r.votes_left, r.entry_id
			  INTO outcome, vote_count, votes_left, k_entry
			  FROM vote_requests r
			 WHERE r.voter_id = p_voter AND r.idem_key = p_key;
			IF k_entry <> p_entry THEN
				outcome := 'key_reused';
				vote_count := NULL; votes_left := NULL;
			END IF;
			RETURN;
		END IF;
	END IF;

	SELECT * INTO e FROM entries WHERE id = p_entry;
	IF NOT FOUND THEN
		outcome := 'no_entry';
	ELSE
		SELECT * INTO c FROM contests WHERE id = e.contest_id;
		v_period := CASE c.vote_rule WHEN 'daily' THEN v_day
		                             ELSE DATE '2000-01-01' END;
		IF e.status <> 'approved' THEN
			outcome := 'not_approved';
		ELSIF (c.vote_from IS NOT NULL AND p_now < c.vote_from)
		   OR (c.vote_until IS NOT NULL AND p_now >= c.vote_until) THEN
			outcome := 'voting_closed';
		ELSIF e.account_id = p_voter AND NOT c.self_vote THEN
			outcome := 'own_entry';
		ELSIF EXISTS (SELECT 1 FROM vote_budget b
		               WHERE b.contest_id = c.id AND b.voter_id = p_voter
		                 AND b.vote_day = v_day
		                 AND b.used >= c.votes_per_day)
		  AND NOT EXISTS (SELECT 1 FROM votes v
		                   WHERE v.entry_id = e.id
		                     AND v.voter_id = p_voter
		                     AND v.period = v_period) THEN
			-- A cheap early answer; the budget row below decides races.
			outcome := 'budget_spent';
		ELSE
			INSERT INTO votes (contest_id, entry_id, voter_id, period,
			                   vote_day, created_at, ip, ip_prefix,
			                   ua_hash, account_age)
			VALUES (c.id, e.id, p_voter, v_period, v_day, p_now, p_ip,
			        CASE WHEN family(p_ip) = 4
			             THEN set_masklen(p_ip::cidr, 24)
			             ELSE set_masklen(p_ip::cidr, 48) END,
			        p_ua_hash,
			        p_now - (SELECT a.created_at FROM accounts a
			                  WHERE a.id = p_voter))
			ON CONFLICT ON CONSTRAINT votes_entry_id_voter_id_period_key
			DO NOTHING
			RETURNING id INTO vid;
			IF vid IS NULL THEN
				outcome := CASE c.vote_rule
				          WHEN 'daily' THEN 'already_voted_today'
				          ELSE 'already_voted' END;
			ELSE
				INSERT INTO vote_budget AS b (contest_id, voter_id,
				                              vote_day, used)
				VALUES (c.id, p_voter, v_day, 1)
				ON CONFLICT (contest_id, voter_id, vote_day)
				DO UPDATE SET used = b.used + 1
				 WHERE b.used < c.votes_per_day
				RETURNING used INTO used_n;
				IF used_n IS NULL OR used_n > c.votes_per_day THEN
					-- Budget spent: undo the vote row.
					DELETE FROM votes WHERE id = vid;
					outcome := 'budget_spent';
				ELSE
					outcome := 'counted';
					votes_left := c.votes_per_day - used_n;
					-- One snapshot: the folder moves queue rows into
					-- entry_stats atomically, so this sum is exact
					-- (committed votes plus this one).
					SELECT coalesce((SELECT s.votes FROM entry_stats s
					                  WHERE s.entry_id = e.id), 0)
					       + coalesce((SELECT sum(q.delta)
					                     FROM vote_changes q
					                    WHERE q.entry_id = e.id), 0)
					  INTO vote_count;
				END IF;
			END IF;
		END IF;
		IF votes_left IS NULL THEN
			SELECT c.votes_per_day - coalesce(max(b.used), 0)
			  INTO votes_left FROM vote_budget b
			 WHERE b.contest_id = c.id AND b.voter_id = p_voter
			   AND b.vote_day = v_day;
		END IF;
	END IF;
	IF p_key IS NOT NULL THEN
		UPDATE vote_requests r
		   SET status = 1, reason = vote_cast.outcome,
		       vote_count = vote_cast.vote_count,
		       votes_left = vote_cast.votes_left
		 WHERE r.voter_id = p_voter AND r.idem_key = p_key;
	END IF;
END
$$;

-- An approved entry counts for each key unit_keys() gives it (its node
-- and every ancestor, or the "other" row and its free-text name): +1/-1
-- rows queued with the entrant, folded with the votes.
CREATE FUNCTION unit_entries_sync() RETURNS trigger
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
BEGIN
	IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.approved THEN
		INSERT INTO unit_entry_changes (contest_id, level, name, account_id,
		                                delta)
		SELECT OLD.contest_id, k.level, k.name, OLD.account_id, -1
		  FROM unit_keys(OLD.unit_id, OLD.unit) k;
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.approved THEN
		INSERT INTO unit_entry_changes (contest_id, level, name, account_id,
		                                delta)
		SELECT NEW.contest_id, k.level, k.name, NEW.account_id, 1
		  FROM unit_keys(NEW.unit_id, NEW.unit) k;
	END IF;
	RETURN NULL;
END
$$;

CREATE TRIGGER entry_stats_units
    AFTER INSERT OR DELETE OR UPDATE OF approved, unit, unit_id
    ON entry_stats FOR EACH ROW EXECUTE FUNCTION unit_entries_sync();

-- --- the folder: the week table and the units' entry counts ---------------
-- unit_voters rows that fall to zero (voided votes) are deleted only after
-- a fold that took votes away: a DELETE ... WHERE votes = 0 after every
-- fold was a scan of the whole table, one row per voter and unit.
CREATE FUNCTION vote_fold(OUT folded bigint)
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
DECLARE
	took         boolean;
	took_entries boolean;
BEGIN
	IF NOT pg_try_advisory_xact_lock(hashtext('netdep.vote_fold')) THEN
		folded := -1;
		RETURN;
	END IF;
	-- One statement, one snapshot: "before" below is the state every
	-- sub-statement starts from, and the lock keeps other folders out.
	WITH d AS (
		DELETE FROM vote_changes
		RETURNING entry_id, voter_id, vote_day, delta
	), g AS (
		SELECT d.entry_id, e.contest_id, e.unit, e.unit_id, d.voter_id,
		       d.vote_day, sum(d.delta) AS n
		  FROM d JOIN entries e ON e.id = d.entry_id
		 GROUP BY 1, 2, 3, 4, 5, 6
		HAVING sum(d.delta) <> 0
	), es AS (
		UPDATE entry_stats s SET votes = s.votes + x.n
		  FROM (SELECT entry_id, sum(n) AS n FROM g GROUP BY 1) x
		 WHERE s.entry_id = x.entry_id AND x.n <> 0
	), ed AS (
		INSERT INTO entry_day_counts AS c (entry_id, vote_day, contest_id,
		                                   votes)
		SELECT entry_id, vote_day, contest_id, sum(n) FROM g
		 GROUP BY 1, 2, 3 HAVING sum(n) <> 0
		ON CONFLICT (entry_id, vote_day)
		DO UPDATE SET votes = c.votes + EXCLUDED.votes
	), ew AS (
		INSERT INTO entry_week_counts AS c (entry_id, week, contest_id,
		                                    votes)
		SELECT entry_id, date_trunc('week', vote_day)::date, contest_id,
		       sum(n) FROM g
		 GROUP BY 1, 2, 3 HAVING sum(n) <> 0
		ON CONFLICT (entry_id, week)
		DO UPDATE SET votes = c.votes + EXCLUDED.votes
	), ue AS (
		DELETE FROM unit_entry_changes
		RETURNING contest_id, level, name, account_id, delta
	), uv AS (
		-- Each unit key of the entry (unit_keys: its node and every
		-- ancestor, or "other" and the free-text name).
		SELECT g.contest_id, k.level, k.name, g.voter_id, sum(g.n) AS n
		  FROM g, LATERAL unit_keys(g.unit_id, g.unit) k
		 GROUP BY 1, 2, 3, 4
	), before AS (
		SELECT uv.*, coalesce(x.votes, 0) AS had FROM uv
		  LEFT JOIN unit_voters x USING (contest_id, level, name, voter_id)
		 WHERE uv.n <> 0
	), uvi AS (
		INSERT INTO unit_voters AS u (contest_id, level, name, voter_id,
		                              votes)
		SELECT contest_id, level, name, voter_id, n FROM before
		ON CONFLICT (contest_id, level, name, voter_id)
		DO UPDATE SET votes = u.votes + EXCLUDED.votes
	), up AS (
		SELECT contest_id, level, name, account_id, sum(delta) AS n
		  FROM ue GROUP BY 1, 2, 3, 4 HAVING sum(delta) <> 0
	), pbefore AS (
		SELECT up.*, coalesce(x.entries, 0) AS had FROM up
		  LEFT JOIN unit_participants x
		       USING (contest_id, level, name, account_id)
	), upi AS (
		INSERT INTO unit_participants AS u (contest_id, level, name,
		                                    account_id, entries)
		SELECT contest_id, level, name, account_id, n FROM pbefore
		ON CONFLICT (contest_id, level, name, account_id)
		DO UPDATE SET entries = u.entries + EXCLUDED.entries
	), us AS (
		INSERT INTO unit_stats AS u (contest_id, level, name, votes, voters,
		                             entries, participants)
		SELECT contest_id, level, name, sum(v), sum(vr), sum(en), sum(pa)
		  FROM (SELECT contest_id, level, name, n AS v,
		               (had + n > 0)::int - (had > 0)::int AS vr, 0 AS en,
		               0 AS pa
		          FROM before
		        UNION ALL
		        SELECT contest_id, level, name, 0, 0, n,
		               (had + n > 0)::int - (had > 0)::int
		          FROM pbefore) x
		 GROUP BY 1, 2, 3
		ON CONFLICT (contest_id, level, name)
		DO UPDATE SET votes = u.votes + EXCLUDED.votes,
		              voters = u.voters + EXCLUDED.voters,
		              entries = u.entries + EXCLUDED.entries,
		              participants = u.participants + EXCLUDED.participants
	), fs AS (
		INSERT INTO fold_state AS f (contest_id, folded_at)
		SELECT contest_id, now() FROM g
		 UNION
		SELECT contest_id, now() FROM ue
		ON CONFLICT (contest_id) DO UPDATE SET folded_at = now()
	)
	SELECT (SELECT count(*) FROM d) + (SELECT count(*) FROM ue),
	       coalesce((SELECT bool_or(delta < 0) FROM d), false),
	       coalesce((SELECT bool_or(delta < 0) FROM ue), false)
	  INTO folded, took, took_entries;
	-- Voters whose votes for a unit all went (voided) leave no row, nor
	-- entrants whose approved entries all went.
	IF took THEN
		DELETE FROM unit_voters WHERE votes = 0;
	END IF;
	IF took_entries THEN
		DELETE FROM unit_participants WHERE entries = 0;
	END IF;
END
$$;
