-- 030_votes.sql: Votes: casting, the change queue and its triggers, the folder, forensics purge.
-- Re-applied on every start (see sql/README.md); edit in place.

SET search_path = netdep, pg_catalog;

-- --- triggers: every change of votes lands in the queue ------------------
-- The same trigger appends to the vote ledger (issue 16, 110_ledger.sql)
-- the new votes that do not carry their own link: vote_cast() writes a
-- vote's link into its row (migration 070), votes inserted otherwise (by
-- hand, fixtures) are appended to vote_ledger here, in chain order so
-- that statements lock chains in one order (no deadlock).
CREATE FUNCTION votes_log_insert() RETURNS trigger
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
DECLARE
	v    votes;
	k    bigint;
BEGIN
	-- One statement when every row carries its link (vote_cast): the
	-- queue rows, and how many rows the ledger still needs.
	WITH q AS (
		INSERT INTO vote_changes (entry_id, voter_id, vote_day, delta)
		SELECT entry_id, voter_id, vote_day, count(*)
		  FROM new_rows WHERE voided_at IS NULL
		 GROUP BY entry_id, voter_id, vote_day
	)
	SELECT count(*) INTO k FROM new_rows n
	 WHERE n.ledger_seq IS NULL OR n.voided_at IS NOT NULL;
	IF k = 0 THEN
		RETURN NULL;
	END IF;
	FOR v IN SELECT * FROM new_rows n
	          WHERE n.ledger_seq IS NULL OR n.voided_at IS NOT NULL
	          ORDER BY n.voter_id % ledger_chains(), n.id LOOP
		IF v.ledger_seq IS NULL THEN
			PERFORM ledger_append('vote', v.created_at, v);
		END IF;
		IF v.voided_at IS NOT NULL THEN
			PERFORM ledger_append('void', v.voided_at, v);
		END IF;
	END LOOP;
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
-- One call decides everything in one transaction: the rules, the budget,
-- the idempotency key (the first answer for (voter, key) is stored with
-- the vote; a retry gets it back), the account's age, and the time p_now
-- (the application passes now(); tests pass edge times such as 23:59:59
-- Vietnam time, through this same function).  The outcome is 'counted' or
-- what stopped the vote: no_entry, not_approved, voting_closed, own_entry,
-- already_voted, already_voted_today, budget_spent, key_reused
-- (cgi/outcome.c says what a voter sees).
--
-- What a counted vote writes (issue 19; README, "the vote path"): its
-- row in votes, carrying its ledger link (issue 16, migration 070), the
-- queue row its trigger adds, and the answer under its idempotency key.  The first statement takes a transaction-level
-- advisory lock on the voter, so one voter's votes decide one at a time:
-- the budget is then an exact count of the voter's votes of the day (an
-- index range of votes_voter_idx, a handful of rows), and a retry of a
-- key waits for the first request and then finds its answer.  The lock
-- is memory only (no row, no WAL) and different voters never wait on each
-- other.  "Once per period" stays the unique key of votes, whatever the
-- lock does.
CREATE FUNCTION vote_cast(p_now timestamptz, p_entry bigint, p_voter bigint,
                          p_ip inet, p_ua_hash bytea, p_key text,
                          OUT outcome text,
                          OUT vote_count bigint, OUT votes_left integer,
                          p_pow_sig bytea DEFAULT NULL,
                          p_pow_expires timestamptz DEFAULT NULL,
                          p_pow_bad boolean DEFAULT false)
LANGUAGE plpgsql
SET search_path = netdep, pg_catalog
AS $$
DECLARE
	r        record;
	v_day    date := (p_now AT TIME ZONE 'Asia/Ho_Chi_Minh')::date;
	v_period date;
	used_n   integer;
	vid      bigint;
	k_entry  bigint;
	ch       integer;
	dup      boolean;
BEGIN
	vote_count := NULL;
	votes_left := NULL;
	-- Class 1986: the voter locks of vote_cast (two-int4 keys are a key
	-- space apart from the bigint advisory locks used elsewhere).  Ids
	-- past 2^31 share a lock with another voter: a wait, never an error.
	-- Class 1987 (110_ledger.sql): the lock of the voter's ledger chain,
	-- taken here rather than in a statement of its own before the insert
	-- (a statement less; the INSERT's snapshot, taken later, sees the
	-- chain's last link).  Always in this order: voter, then chain.
	PERFORM pg_advisory_xact_lock(1986, (p_voter % 2147483647)::integer),
	        pg_advisory_xact_lock(1987,
	                              (p_voter % ledger_chains())::integer);
	IF p_key IS NOT NULL THEN
		SELECT q.reason, q.vote_count, q.votes_left, q.entry_id
		  INTO outcome, vote_count, votes_left, k_entry
		  FROM vote_requests q
		 WHERE q.voter_id = p_voter AND q.idem_key = p_key;
		IF FOUND THEN
			-- A retry: answer what the first request answered.
			IF k_entry <> p_entry THEN
				outcome := 'key_reused';
				vote_count := NULL; votes_left := NULL;
			END IF;
			RETURN;
		END IF;
	END IF;

	SELECT e.id, e.status, e.account_id, c.id AS contest, c.vote_rule,
	       c.vote_from, c.vote_until, c.self_vote, c.votes_per_day,
	       c.vote_pow, a.created_at AS account_at
	  INTO r
	  FROM entries e JOIN contests c ON c.id = e.contest_id,
	       accounts a
	 WHERE e.id = p_entry AND a.id = p_voter;
	IF NOT FOUND THEN
		outcome := 'no_entry';
	ELSE
		-- A contest that asks a proof of work per vote (issue 16):
		-- none, a bad one or a spent one changes nothing, not even the
		-- idempotency key (a retry with a fresh proof may use it).
		IF r.vote_pow THEN
			outcome := CASE WHEN p_pow_bad THEN 'pow_invalid'
			                WHEN p_pow_sig IS NULL THEN 'pow_required'
			                WHEN NOT pow_spend(p_pow_sig, p_pow_expires)
			                THEN 'pow_reused' END;
			IF outcome IS NOT NULL THEN
				votes_left := NULL;
				RETURN;
			END IF;
		END IF;
		v_period := CASE r.vote_rule WHEN 'daily' THEN v_day
		                             ELSE DATE '2000-01-01' END;
		-- The votes of this voter, contest and Vietnam day so far, and
		-- whether the voter already has this entry's vote of the period
		-- (read here, so that a vote the unique key would refuse is not
		-- inserted: an INSERT that meets a row whose void is in progress
		-- waits for that transaction, whose ledger trigger wants the
		-- chain lock this one holds — a deadlock).
		SELECT count(*),
		       EXISTS (SELECT 1 FROM votes x
		                WHERE x.entry_id = r.id AND x.voter_id = p_voter
		                  AND x.period = v_period)
		  INTO used_n, dup FROM votes v
		 WHERE v.voter_id = p_voter
		   AND v.created_at >= v_day::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'
		   AND v.created_at < (v_day + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'
		   AND v.contest_id = r.contest;
		votes_left := r.votes_per_day - used_n;
		IF r.status <> 'approved' THEN
			outcome := 'not_approved';
		ELSIF (r.vote_from IS NOT NULL AND p_now < r.vote_from)
		   OR (r.vote_until IS NOT NULL AND p_now >= r.vote_until) THEN
			outcome := 'voting_closed';
		ELSIF r.account_id = p_voter AND NOT r.self_vote THEN
			outcome := 'own_entry';
		ELSIF used_n >= r.votes_per_day THEN
			outcome := CASE WHEN dup
			           THEN CASE r.vote_rule WHEN 'daily'
			                THEN 'already_voted_today' ELSE 'already_voted' END
			           ELSE 'budget_spent' END;
		ELSIF dup THEN
			outcome := CASE r.vote_rule WHEN 'daily'
			           THEN 'already_voted_today' ELSE 'already_voted' END;
		ELSE
			-- The vote's ledger link, in its own row (issue 16,
			-- migration 070): the chain's last link is read under the
			-- chain's lock (taken above), and a vote refused by the
			-- unique key leaves no link.  The id is taken first: the
			-- hash covers it.
			vid := nextval('votes_id_seq');
			ch := (p_voter % ledger_chains())::integer;
			INSERT INTO votes (id, contest_id, entry_id, voter_id,
			                   period, vote_day, created_at, ip,
			                   ip_prefix, ua_hash, account_age,
			                   ledger_chain, ledger_seq, ledger_hash)
			OVERRIDING SYSTEM VALUE
			SELECT vid, r.contest, r.id, p_voter, v_period, v_day,
			       p_now, p_ip,
			       CASE WHEN family(p_ip) = 4
			            THEN set_masklen(p_ip::cidr, 24)
			            ELSE set_masklen(p_ip::cidr, 48) END,
			       p_ua_hash, p_now - r.account_at, ch,
			       coalesce(h.seq, 0) + 1,
			       sha256(coalesce(h.hash, '\x'::bytea)
			              || ledger_bytes_of('vote', p_now, vid,
			                 r.contest, r.id, p_voter, v_period, v_day,
			                 p_now, p_now - r.account_at))
			  FROM (SELECT 1) one LEFT JOIN ledger_last(ch) h ON true
			ON CONFLICT ON CONSTRAINT votes_entry_id_voter_id_period_key
			DO NOTHING
			RETURNING id INTO vid;
			IF vid IS NULL THEN
				outcome := CASE r.vote_rule
				          WHEN 'daily' THEN 'already_voted_today'
				          ELSE 'already_voted' END;
			ELSE
				outcome := 'counted';
				votes_left := votes_left - 1;
				-- One snapshot: the folder moves queue rows into
				-- entry_stats atomically, so this sum is exact
				-- (committed votes plus this one).
				SELECT coalesce((SELECT s.votes FROM entry_stats s
				                  WHERE s.entry_id = r.id), 0)
				       + coalesce((SELECT sum(q.delta)
				                     FROM vote_changes q
				                    WHERE q.entry_id = r.id), 0)
				  INTO vote_count;
			END IF;
		END IF;
	END IF;
	IF p_key IS NOT NULL THEN
		-- No conflict is possible: a request with this key either
		-- committed before the lock above was granted (and was found) or
		-- waits for this one.
		INSERT INTO vote_requests (voter_id, idem_key, entry_id, status,
		                           reason, vote_count, votes_left)
		VALUES (p_voter, p_key, p_entry, 1, outcome, vote_count,
		        votes_left);
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
