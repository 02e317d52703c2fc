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
	-- queue rows, and how many rows the ledger still needs.  One queue
	-- row per entry and day, its voters in an array (migration 071): a
	-- batch's count read sums an entry's queued rows, one per batch.
	WITH q AS (
		INSERT INTO vote_changes (entry_id, vote_day, delta, voters)
		SELECT entry_id, vote_day, count(*), array_agg(voter_id)
		  FROM new_rows WHERE voided_at IS NULL
		 GROUP BY entry_id, vote_day
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

-- The voters of one queue row, each with its change: a row of one
-- statement's votes (voters, migration 071) is +1 for each voter; a row of
-- one voter (voter_id: voids, restores, deletes) carries its delta.  The
-- folder and the units' recount (080_units.sql) read the queue through it.
CREATE FUNCTION queue_voters(p_voters bigint[], p_voter bigint,
                             p_delta integer)
RETURNS TABLE (voter_id bigint, delta integer)
LANGUAGE sql IMMUTABLE
AS $$
	SELECT v, CASE WHEN p_voters IS NULL THEN p_delta ELSE 1 END
	  FROM unnest(coalesce(p_voters, ARRAY[p_voter])) v
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

-- --- casting votes --------------------------------------------------------
-- vote_cast_many() decides a batch of votes in one transaction (issue 19:
-- the vote writer of each master, cgi/vote_writer.c, sends every vote the
-- workers received while the previous batch committed; README, "the vote
-- path").  Request i is (p_voter[i], p_entry[i], p_ip[i], p_ua_hash[i],
-- p_key[i], p_pow_*[i]); a NULL voter is skipped (no answer row).  The
-- answer of each is what one vote alone would get: 'counted' or what
-- stopped it: no_entry, not_approved, voting_closed, own_entry,
-- already_voted, already_voted_today, budget_spent, key_reused,
-- pow_required, pow_invalid, pow_reused (cgi/outcome.c says what a voter
-- sees), with the entry's count after the vote and the votes the voter
-- has left that Vietnam day.  p_now is the time of every vote (the writer
-- passes now(); tests pass edge times such as 23:59:59 Vietnam time).
--
-- How it stays exact:
-- - The voters' advisory locks (class 1986), in key order, are taken by
--   a statement of their own before anything is read: every statement
--   after them sees every vote of these voters that committed before, and
--   one voter's votes decide one at a time, in any batch or transaction.
--   The batch's counted votes are links of one ledger chain, taken at the
--   first of them by try-lock (ledger_take_chain(), 110_ledger.sql: never
--   a wait) and read once: a lock and a read per batch, not per vote.  The
--   budget is then an exact count(*) of the voter's votes of the day (a
--   votes_voter_idx range), "once per period" a probe of the unique key.
--   Locks are memory only; voters who share nothing never wait.
-- - A voter with several requests in the batch (two devices, or a retry
--   racing the first try) has them decided in rounds, in the order given:
--   round k holds each voter's k-th request, and sees what round k-1 wrote
--   (its vote and its idempotency key).  Nearly every batch is one round.
-- - The statements are per round, not per vote: one read of every key,
--   entry, contest, account and budget; one INSERT of the round's votes
--   (each carrying its ledger link, migration 070: the links follow the
--   chain's last link in order, hashed here); one INSERT of the answers
--   under their idempotency keys.
-- - A vote the snapshot says is new goes in without ON CONFLICT: only a
--   vote written outside these locks (by hand) can collide, and then the
--   whole batch fails and the writer casts its votes one by one again,
--   each then seeing the other row.  A link is never left pointing at a
--   vote that was not written.
-- - vote_count is the entry's folded count plus its queued changes, read
--   after the round's INSERT, less the round's later votes on the entry:
--   exact (committed votes plus this one) and distinct within a batch.
CREATE FUNCTION vote_cast_many(p_now timestamptz, p_voter bigint[],
                               p_entry bigint[], p_ip inet[],
                               p_ua_hash bytea[], p_key text[],
                               p_pow_sig bytea[],
                               p_pow_expires timestamptz[],
                               p_pow_bad boolean[])
RETURNS TABLE (i integer, outcome text, vote_count bigint,
               votes_left integer)
LANGUAGE plpgsql
SET search_path = netdep, pg_catalog
-- The queue's sum for an entry by a plain index scan, which marks the
-- index entries of rows the folder deleted as dead for the next batch
-- (a bitmap scan visits them all again, every batch: a hot entry's queue
-- made its votes the slowest).
SET enable_bitmapscan = off
AS $$
DECLARE
	n        integer := coalesce(cardinality(p_voter), 0);
	v_day    date := (p_now AT TIME ZONE 'Asia/Ho_Chi_Minh')::date;
	v_lo     timestamptz := v_day::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh';
	v_hi     timestamptz := (v_day + 1)::timestamp
	                        AT TIME ZONE 'Asia/Ho_Chi_Minh';
	rnd      integer[];
	rounds   integer;
	d        record;
	o        text;
	left_n   integer;
	per      date;
	vid      bigint;
	-- the batch's ledger chain and its last link, once taken
	ch       integer;
	pseq     bigint;
	phash    bytea;
	-- the answers, by request
	a_out    text[] := array_fill(NULL::text, ARRAY[n]);
	a_count  bigint[] := array_fill(NULL::bigint, ARRAY[n]);
	a_left   integer[] := array_fill(NULL::integer, ARRAY[n]);
	-- the round's votes, and its requests with a key
	w_i      integer[];
	w_vid    bigint[];
	w_contest bigint[];
	w_entry  bigint[];
	w_period date[];
	w_age    interval[];
	w_seq    bigint[];
	w_hash   bytea[];
	k_i      integer[];
BEGIN
	IF n = 0 THEN
		RETURN;
	END IF;
	IF cardinality(p_entry) <> n OR cardinality(p_ip) <> n
	   OR cardinality(p_ua_hash) <> n OR cardinality(p_key) <> n
	   OR cardinality(p_pow_sig) <> n OR cardinality(p_pow_expires) <> n
	   OR cardinality(p_pow_bad) <> n THEN
		RAISE EXCEPTION 'vote_cast_many: % requests but arrays of other '
		                'lengths', n USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- The voters in key order (ids past 2^31 share a lock with another
	-- voter: a wait, never an error).
	PERFORM pg_advisory_xact_lock(1986, x.k)
	   FROM (SELECT DISTINCT (v % 2147483647)::integer AS k
	           FROM unnest(p_voter) v WHERE v IS NOT NULL
	          ORDER BY 1) x;
	SELECT array_agg(x.r ORDER BY x.o), max(x.r) INTO rnd, rounds
	  FROM (SELECT u.o, CASE WHEN u.v IS NOT NULL THEN row_number() OVER (
	                    PARTITION BY u.v ORDER BY u.o)::integer END AS r
	          FROM unnest(p_voter) WITH ORDINALITY u(v, o)) x;

	FOR k IN 1 .. coalesce(rounds, 0) LOOP
		w_i := '{}'; w_vid := '{}'; w_contest := '{}'; w_entry := '{}';
		w_period := '{}'; w_age := '{}'; w_seq := '{}';
		w_hash := '{}'; k_i := '{}';
		FOR d IN
			SELECT u.o::integer AS i, u.v AS voter, u.e AS entry,
			       q.reason AS k_reason, q.vote_count AS k_count,
			       q.votes_left AS k_left, q.entry_id AS k_entry,
			       e.id AS e_id, e.status, e.account_id, c.id AS contest,
			       c.vote_rule, c.vote_from, c.vote_until, c.self_vote,
			       c.votes_per_day, c.vote_pow, a.created_at AS account_at,
			       b.used_n, b.dup
			  FROM unnest(p_voter, p_entry, p_key)
			       WITH ORDINALITY u(v, e, key, o)
			  LEFT JOIN vote_requests q
			         ON q.voter_id = u.v AND q.idem_key = u.key
			  LEFT JOIN entries e ON e.id = u.e AND q.voter_id IS NULL
			  LEFT JOIN contests c ON c.id = e.contest_id
			  LEFT JOIN accounts a ON a.id = u.v AND e.id IS NOT NULL
			  LEFT JOIN LATERAL (
			        SELECT count(*)::integer AS used_n,
			               EXISTS (SELECT 1 FROM votes x
			                        WHERE x.entry_id = e.id
			                          AND x.voter_id = u.v
			                          AND x.period = CASE c.vote_rule
			                              WHEN 'daily' THEN v_day
			                              ELSE DATE '2000-01-01' END)
			               AS dup
			          FROM votes v
			         WHERE v.voter_id = u.v AND v.created_at >= v_lo
			           AND v.created_at < v_hi AND v.contest_id = c.id
			       ) b ON a.id IS NOT NULL
			 WHERE u.v IS NOT NULL AND rnd[u.o] = k
			 ORDER BY u.o
		LOOP
			IF d.k_reason IS NOT NULL THEN
				-- A retry: answer what the first request answered.
				IF d.k_entry <> d.entry THEN
					a_out[d.i] := 'key_reused';
				ELSE
					a_out[d.i] := d.k_reason;
					a_count[d.i] := d.k_count;
					a_left[d.i] := d.k_left;
				END IF;
				CONTINUE;
			END IF;
			o := NULL;
			left_n := NULL;
			IF d.account_at IS NULL THEN
				o := 'no_entry';
			ELSE
				-- A contest that asks a proof of work per vote (issue
				-- 16): none, a bad one or a spent one changes nothing,
				-- not even the idempotency key (a retry with a fresh
				-- proof may use it).
				IF d.vote_pow THEN
					o := CASE WHEN p_pow_bad[d.i] THEN 'pow_invalid'
					          WHEN p_pow_sig[d.i] IS NULL
					          THEN 'pow_required'
					          WHEN NOT pow_spend(p_pow_sig[d.i],
					                             p_pow_expires[d.i])
					          THEN 'pow_reused' END;
					IF o IS NOT NULL THEN
						a_out[d.i] := o;
						CONTINUE;
					END IF;
				END IF;
				left_n := d.votes_per_day - d.used_n;
				o := CASE
				     WHEN d.status <> 'approved' THEN 'not_approved'
				     WHEN (d.vote_from IS NOT NULL AND p_now < d.vote_from)
				       OR (d.vote_until IS NOT NULL
				           AND p_now >= d.vote_until)
				     THEN 'voting_closed'
				     WHEN d.account_id = d.voter AND NOT d.self_vote
				     THEN 'own_entry'
				     WHEN d.used_n >= d.votes_per_day AND NOT d.dup
				     THEN 'budget_spent'
				     WHEN d.dup THEN CASE d.vote_rule
				          WHEN 'daily' THEN 'already_voted_today'
				          ELSE 'already_voted' END
				     END;
				IF o IS NULL THEN
					-- The vote's ledger link (issue 16): the id is
					-- taken first, the hash covers it.
					o := 'counted';
					left_n := left_n - 1;
					vid := nextval('votes_id_seq');
					IF ch IS NULL THEN
						ch := ledger_take_chain();
						SELECT h.seq, h.hash INTO pseq, phash
						  FROM ledger_last(ch) h;
						pseq := coalesce(pseq, 0);
						phash := coalesce(phash, '\x'::bytea);
					END IF;
					per := CASE d.vote_rule WHEN 'daily' THEN v_day
					            ELSE DATE '2000-01-01' END;
					pseq := pseq + 1;
					phash := sha256(phash || ledger_bytes_of(
					    'vote', p_now, vid, d.contest, d.e_id, d.voter,
					    per, v_day, p_now, p_now - d.account_at));
					w_i := w_i || d.i;
					w_vid := w_vid || vid;
					w_contest := w_contest || d.contest;
					w_entry := w_entry || d.e_id;
					w_period := w_period || per;
					w_age := w_age || (p_now - d.account_at);
					w_seq := w_seq || pseq;
					w_hash := w_hash || phash;
				END IF;
			END IF;
			a_out[d.i] := o;
			a_left[d.i] := left_n;
			IF p_key[d.i] IS NOT NULL THEN
				k_i := k_i || d.i;
			END IF;
		END LOOP;

		IF cardinality(w_vid) > 0 THEN
			INSERT INTO votes (id, contest_id, entry_id, voter_id, period,
			                   vote_day, created_at, ip, ip_prefix,
			                   ua_hash, account_age, ledger_chain,
			                   ledger_seq, ledger_hash)
			OVERRIDING SYSTEM VALUE
			SELECT w.vid, w.contest, w.entry, p_voter[w.i], w.period,
			       v_day, p_now, p_ip[w.i],
			       CASE WHEN family(p_ip[w.i]) = 4
			            THEN set_masklen(p_ip[w.i]::cidr, 24)
			            ELSE set_masklen(p_ip[w.i]::cidr, 48) END,
			       p_ua_hash[w.i], w.age, ch, w.seq, w.hash
			  FROM unnest(w_i, w_vid, w_contest, w_entry, w_period, w_age,
			              w_seq, w_hash)
			       w(i, vid, contest, entry, period, age, seq, hash);
			-- The counts after the round, read once per entry: the
			-- folder moves queue rows into entry_stats atomically, so
			-- one snapshot's sum is exact.
			FOR d IN
				SELECT w.i, t.total - (row_number() OVER (
				           PARTITION BY w.entry ORDER BY w.vid DESC) - 1)
				       AS cnt
				  FROM unnest(w_i, w_entry, w_vid) w(i, entry, vid)
				  JOIN (SELECT x.entry,
				               coalesce((SELECT s.votes FROM entry_stats s
				                          WHERE s.entry_id = x.entry), 0)
				               + coalesce((SELECT sum(q.delta)
				                             FROM vote_changes q
				                            WHERE q.entry_id = x.entry), 0)
				               AS total
				          FROM (SELECT DISTINCT unnest(w_entry) AS entry) x
				       ) t ON t.entry = w.entry
			LOOP
				a_count[d.i] := d.cnt;
			END LOOP;
		END IF;
		IF cardinality(k_i) > 0 THEN
			-- No conflict is possible: a request with this key either
			-- committed before the voter's lock was granted (and was
			-- found) or waits for this transaction, or was in an
			-- earlier round (and was found).
			INSERT INTO vote_requests (voter_id, idem_key, entry_id,
			                           status, reason, vote_count,
			                           votes_left)
			SELECT p_voter[j], p_key[j], p_entry[j], 1, a_out[j],
			       a_count[j], a_left[j]
			  FROM unnest(k_i) j;
		END IF;
	END LOOP;
	RETURN QUERY
	SELECT j::integer, a_out[j], a_count[j], a_left[j]
	  FROM generate_subscripts(p_voter, 1) j
	 WHERE p_voter[j] IS NOT NULL
	 ORDER BY j;
END
$$;

-- One vote (tests, tools, pgbench): a batch of one.
CREATE FUNCTION vote_cast(p_now timestamptz, p_entry bigint, p_voter bigint,
                          p_ip inet, p_ua_hash bytea, p_key text,
                          OUT outcome text,
                          OUT vote_count bigint, OUT votes_left integer,
                          p_pow_sig bytea DEFAULT NULL,
                          p_pow_expires timestamptz DEFAULT NULL,
                          p_pow_bad boolean DEFAULT false)
LANGUAGE sql
SET search_path = netdep, pg_catalog
AS $$
	SELECT m.outcome, m.vote_count, m.votes_left
	  FROM vote_cast_many(p_now, ARRAY[p_voter], ARRAY[p_entry],
	                      ARRAY[p_ip], ARRAY[p_ua_hash], ARRAY[p_key],
	                      ARRAY[p_pow_sig], ARRAY[p_pow_expires],
	                      ARRAY[p_pow_bad]) m;
$$;

-- The votes as the HTTP API receives them (the vote writer's statement,
-- cgi/db_vote.c): each request names its session by the SHA-256 of its
-- cookie (hex) and carries the X-CSRF-Token it was sent with, so the
-- session is checked in the batch's transaction, not by a statement of
-- its own: a live session (not expired, used within p_idle_hours; its
-- last use written at most once per sixtieth of that, as session_get
-- does, cgi/db_account.c) of an account not disabled,
-- else 'login_required'; the CSRF token the session's, compared as
-- SHA-256 digests, else 'csrf'.  The user-agent hash and the proof's
-- signature come as hex, the proof's expiry as Unix seconds.  One answer
-- row per request, in order, with the session's account id (also when
-- the CSRF token was wrong, for the request's log line; NULL when there
-- is no live session).
CREATE FUNCTION vote_cast_batch(p_now timestamptz, p_idle_hours integer,
                                p_token text[], p_csrf text[],
                                p_entry bigint[], p_ip inet[],
                                p_ua_hash text[], p_key text[],
                                p_pow_sig text[], p_pow_expires bigint[],
                                p_pow_bad boolean[])
RETURNS TABLE (i integer, outcome text, voter bigint, vote_count bigint,
               votes_left integer)
LANGUAGE plpgsql
SET search_path = netdep, pg_catalog
AS $$
DECLARE
	v_voter   bigint[];
	v_account bigint[];
	v_state   text[];
BEGIN
	WITH x AS (
		SELECT u.o, s.token_hash, s.last_seen_at, a.id AS account,
		       sha256(convert_to(s.csrf_token, 'UTF8'))
		       = sha256(convert_to(u.c, 'UTF8')) AS csrf_ok
		  FROM unnest(p_token, p_csrf) WITH ORDINALITY u(t, c, o)
		  LEFT JOIN sessions s
		         ON s.token_hash = decode(u.t, 'hex')
		        AND s.expires_at > now()
		        AND s.last_seen_at > now()
		            - make_interval(hours => p_idle_hours)
		  LEFT JOIN accounts a
		         ON a.id = s.account_id AND a.disabled_at IS NULL
	), seen AS (
		UPDATE sessions s SET last_seen_at = now()
		  FROM x
		 WHERE s.token_hash = x.token_hash AND x.account IS NOT NULL
		   AND x.last_seen_at < now()
		       - make_interval(hours => p_idle_hours) / 60
	)
	SELECT array_agg(CASE WHEN x.csrf_ok THEN x.account END ORDER BY x.o),
	       array_agg(x.account ORDER BY x.o),
	       array_agg(CASE WHEN x.account IS NULL THEN 'login_required'
	                      WHEN x.csrf_ok IS NOT TRUE THEN 'csrf' END
	                 ORDER BY x.o)
	  INTO v_voter, v_account, v_state
	  FROM x;
	RETURN QUERY
	SELECT u.o::integer, coalesce(m.outcome, u.st), u.acc, m.vote_count,
	       m.votes_left
	  FROM unnest(v_account, v_state) WITH ORDINALITY u(acc, st, o)
	  LEFT JOIN vote_cast_many(
	            p_now, v_voter, p_entry, p_ip,
	            ARRAY(SELECT decode(h.x, 'hex')
	                    FROM unnest(p_ua_hash) WITH ORDINALITY h(x, o)
	                   ORDER BY h.o),
	            p_key,
	            ARRAY(SELECT decode(h.x, 'hex')
	                    FROM unnest(p_pow_sig) WITH ORDINALITY h(x, o)
	                   ORDER BY h.o),
	            ARRAY(SELECT to_timestamp(h.x)
	                    FROM unnest(p_pow_expires) WITH ORDINALITY h(x, o)
	                   ORDER BY h.o),
	            p_pow_bad) m ON m.i = u.o
	 ORDER BY u.o;
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
		RETURNING entry_id, voter_id, vote_day, delta, voters
	), dv AS (
		SELECT d.entry_id, v.voter_id, d.vote_day, v.delta
		  FROM d, queue_voters(d.voters, d.voter_id, d.delta) v
	), g AS (
		SELECT d.entry_id, e.contest_id, e.unit, e.unit_id, d.voter_id,
		       d.vote_day, sum(d.delta) AS n
		  FROM dv d JOIN entries e ON e.id = d.entry_id
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
	), uvi AS (
		INSERT INTO unit_voters AS u (contest_id, level, name, voter_id,
		                              votes)
		SELECT contest_id, level, name, voter_id, n FROM uv WHERE n <> 0
		ON CONFLICT (contest_id, level, name, voter_id)
		DO UPDATE SET votes = u.votes + EXCLUDED.votes
		RETURNING u.contest_id, u.level, u.name, u.voter_id, u.votes
	), before AS (
		-- What each voter had for the unit before this fold: the
		-- upsert's new count less this fold's.  One probe of
		-- unit_voters per key (the upsert's), not a read and then the
		-- upsert: that read was the fold's biggest part, one index
		-- probe per vote and unit key.
		SELECT uv.*, i.votes - uv.n AS had
		  FROM uv JOIN uvi i USING (contest_id, level, name, voter_id)
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
	SELECT (SELECT count(*) FROM dv) + (SELECT count(*) FROM ue),
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
