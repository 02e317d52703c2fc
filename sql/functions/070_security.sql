-- 070_security.sql: log-in and registration brakes, proofs of work, the
-- shared keys, sessions' idle end (issue 12; README, Security).
-- Re-applied on every start (see sql/README.md); edit in place.
--
-- Outcomes: 'ok'; 'backoff' (429: this account failed too often from this
-- address; retry after); 'challenge' (a proof of work is needed);
-- 'busy' (429: too many registrations on the site or from this /24).

SET search_path = netdep, pg_catalog;

-- The key that counts a client address: the address itself for log-ins;
-- its /24 (IPv4) or /48 (IPv6) for registrations, so one household's or
-- one school's whole block counts once, and a /64 of phones does not
-- multiply an IPv6 attacker.
CREATE FUNCTION auth_prefix(p_ip inet) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN network(set_masklen(p_ip, CASE WHEN family(p_ip) = 4 THEN 24
                                      ELSE 48 END))::text;

-- Adds one to the counter kind/key and returns its sum over the last
-- p_window, this attempt included: a sliding window of one-minute
-- buckets, so no count starts again at a boundary.
CREATE FUNCTION auth_count(p_kind text, p_key text, p_window interval)
RETURNS bigint
LANGUAGE sql AS $$
	INSERT INTO auth_counts AS c (kind, key, since, n)
	VALUES (p_kind, p_key, date_bin('1 minute', now(), 'epoch'), 1)
	ON CONFLICT (kind, key, since) DO UPDATE SET n = c.n + 1;
	SELECT coalesce(sum(n), 0) FROM auth_counts
	 WHERE kind = p_kind AND key = p_key AND since > now() - p_window;
$$;

-- Spends a proof of work (its signature, once); false if it was spent.
CREATE FUNCTION pow_spend(p_sig bytea, p_expires timestamptz) RETURNS boolean
LANGUAGE sql AS $$
	WITH s AS (INSERT INTO pow_spent (signature, expires_at)
	           VALUES (p_sig, p_expires) ON CONFLICT DO NOTHING
	           RETURNING 1)
	SELECT count(*) = 1 FROM s
$$;

-- May this log-in attempt go on to the password check?
--   p_name     the username as typed (compared lower-cased)
--   p_ip       the client address
--   p_pow_sig  a verified proof of work's signature, or NULL
--   p_free     failures from one address before the back-off starts
--   p_src_free attempts per address in 10 minutes before a proof
--   p_name_free failed attempts on the name in an hour (from anywhere)
--              before every attempt on it needs a proof
-- Organiser-made accounts skip the per-address proof (a school's lab
-- logs in from one address); the back-off and the name's proof hold for
-- every account, since those are what stop guessing.
CREATE FUNCTION login_gate(p_name text, p_ip inet, p_pow_sig bytea,
                           p_pow_expires timestamptz, p_src_free integer,
                           p_name_free integer,
                           OUT outcome text, OUT retry_after integer)
LANGUAGE plpgsql AS $$
DECLARE
	v_name      text := lower(p_name);
	v_blocked   timestamptz;
	v_organiser boolean;
	v_pow       boolean := false;
	v_src       bigint;
	v_failed    bigint;
BEGIN
	retry_after := 0;
	SELECT blocked_until INTO v_blocked FROM login_failures
	 WHERE name = v_name AND source = p_ip;
	IF v_blocked > now() THEN
		outcome := 'backoff';
		retry_after := ceil(extract(epoch FROM v_blocked - now()))::int;
		RETURN;
	END IF;
	IF p_pow_sig IS NOT NULL THEN
		v_pow := pow_spend(p_pow_sig, p_pow_expires);
	END IF;
	SELECT organiser_made INTO v_organiser FROM accounts
	 WHERE lower(username) = v_name;
	IF NOT coalesce(v_organiser, false) THEN
		v_src := auth_count('login_source', host(p_ip),
		                    interval '10 minutes');
		IF v_src > p_src_free AND NOT v_pow THEN
			outcome := 'challenge';
			RETURN;
		END IF;
	END IF;
	SELECT coalesce(sum(n), 0) INTO v_failed FROM auth_counts
	 WHERE kind = 'login_failed_name' AND key = v_name
	   AND since > now() - interval '1 hour';
	IF v_failed >= p_name_free AND NOT v_pow THEN
		outcome := 'challenge';
		RETURN;
	END IF;
	outcome := 'ok';
END $$;

-- A failed log-in: one more failure of the name from the address, whose
-- back-off doubles from the (p_free + 1)th on, up to p_max seconds.
-- Returns the seconds until the next attempt from there (0: none).
CREATE FUNCTION login_failed(p_name text, p_ip inet, p_free integer,
                             p_max integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
	v_name text := lower(p_name);
	v_n    integer;
	v_wait integer;
BEGIN
	PERFORM auth_count('login_failed_name', v_name, interval '1 hour');
	INSERT INTO login_failures AS f (name, source, failures, last_at,
	                                 blocked_until)
	VALUES (v_name, p_ip, 1, now(), now())
	ON CONFLICT (name, source) DO UPDATE
	   SET failures = f.failures + 1, last_at = now()
	RETURNING failures INTO v_n;
	v_wait := CASE WHEN v_n <= p_free THEN 0
	               ELSE least(p_max, power(2, least(v_n - p_free - 1, 20)))::int
	          END;
	UPDATE login_failures SET blocked_until = now() + make_interval(secs => v_wait)
	 WHERE name = v_name AND source = p_ip;
	RETURN v_wait;
END $$;

-- A successful log-in clears the name's back-off from that address (the
-- name's failures from elsewhere still count for its proof of work).
CREATE FUNCTION login_succeeded(p_name text, p_ip inet) RETURNS void
LANGUAGE sql
BEGIN ATOMIC
	DELETE FROM login_failures WHERE name = lower(p_name) AND source = p_ip;
END;

-- May this registration go on?  Counts it per /24 (/48) and hour and on
-- the whole site per minute first.
CREATE FUNCTION register_gate(p_ip inet, p_pow_sig bytea,
                              p_pow_expires timestamptz, p_src_free integer,
                              p_src_max integer, p_all_max integer,
                              OUT outcome text, OUT retry_after integer)
LANGUAGE plpgsql AS $$
DECLARE
	v_pow  boolean := false;
	v_src  bigint;
BEGIN
	retry_after := 0;
	IF auth_count('register_all', '*', interval '1 minute') > p_all_max THEN
		outcome := 'busy';
		retry_after := 60;
		RETURN;
	END IF;
	IF p_pow_sig IS NOT NULL THEN
		v_pow := pow_spend(p_pow_sig, p_pow_expires);
	END IF;
	v_src := auth_count('register_prefix', auth_prefix(p_ip),
	                    interval '1 hour');
	IF v_src > p_src_max THEN
		outcome := 'busy';
		retry_after := 600;
		RETURN;
	END IF;
	IF v_src > p_src_free AND NOT v_pow THEN
		outcome := 'challenge';
		RETURN;
	END IF;
	outcome := 'ok';
END $$;

-- The shared key of a purpose: the first caller's candidate (32 random
-- bytes from the worker's CSPRNG) becomes everyone's.
CREATE FUNCTION server_key(p_purpose text, p_candidate bytea) RETURNS bytea
LANGUAGE plpgsql AS $$
DECLARE
	v bytea;
BEGIN
	INSERT INTO server_keys (purpose, key) VALUES (p_purpose, p_candidate)
	ON CONFLICT (purpose) DO NOTHING;
	SELECT key INTO v FROM server_keys WHERE purpose = p_purpose;
	RETURN v;
END $$;

-- The housekeeping of the brakes and of sessions, run by the folder:
-- expired or idle sessions, old counters, spent proofs past expiry,
-- back-offs long over.  Returns the rows removed.
CREATE FUNCTION security_purge(p_idle_hours integer) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	v bigint := 0;
	n bigint;
BEGIN
	DELETE FROM sessions WHERE expires_at < now()
	    OR last_seen_at < now() - make_interval(hours => p_idle_hours);
	GET DIAGNOSTICS n = ROW_COUNT; v := v + n;
	DELETE FROM auth_counts WHERE since < now() - interval '2 hours';
	GET DIAGNOSTICS n = ROW_COUNT; v := v + n;
	DELETE FROM pow_spent WHERE expires_at < now();
	GET DIAGNOSTICS n = ROW_COUNT; v := v + n;
	DELETE FROM login_failures WHERE last_at < now() - interval '1 day'
	   AND blocked_until < now();
	GET DIAGNOSTICS n = ROW_COUNT; v := v + n;
	RETURN v;
END $$;

-- Every session of an account ends when its role or password changes or
-- it is disabled: what the session was trusted with no longer holds.
CREATE FUNCTION sessions_end_on_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_TABLE_NAME = 'roles' THEN
		DELETE FROM sessions WHERE account_id =
		    CASE WHEN TG_OP = 'DELETE' THEN OLD.account_id
		         ELSE NEW.account_id END;
	ELSIF NEW.password_hash IS DISTINCT FROM OLD.password_hash
	   OR NEW.disabled_at IS DISTINCT FROM OLD.disabled_at THEN
		DELETE FROM sessions WHERE account_id = NEW.id;
	END IF;
	RETURN NULL;
END $$;

CREATE TRIGGER roles_end_sessions AFTER INSERT OR DELETE OR UPDATE ON roles
	FOR EACH ROW EXECUTE FUNCTION sessions_end_on_change();
CREATE TRIGGER accounts_end_sessions
	AFTER UPDATE OF password_hash, disabled_at ON accounts
	FOR EACH ROW EXECUTE FUNCTION sessions_end_on_change();
