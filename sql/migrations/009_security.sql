-- 009_security.sql: the brakes of issue 12 (README, Security).
--
--   login_failures  failed log-ins per (account name, client address):
--                   an exponential back-off, per source, so an attacker
--                   elsewhere never locks the owner out;
--   auth_counts     attempts per window: log-ins per address, failed
--                   log-ins per account name (from anywhere), and
--                   registrations per /24 and on the whole site; past a
--                   threshold a proof of work is asked, or 429;
--   pow_spent       proofs of work already used (each counts once),
--                   kept until their challenge expires;
--   server_keys     secrets shared by every worker and host (the proof
--                   of work's HMAC key, the key of the judges' address
--                   hashes), made by the first worker that needs one;
--   accounts.organiser_made  made with netdep-admin: never slowed by the
--                   per-address brakes;
--   sessions.last_seen_at    for the idle timeout.

SET search_path = netdep, pg_catalog;

CREATE TABLE login_failures (
	name          text NOT NULL CHECK (char_length(name) <= 64),
	source        inet NOT NULL,
	failures      integer NOT NULL CHECK (failures > 0),
	last_at       timestamptz NOT NULL,
	blocked_until timestamptz NOT NULL,
	PRIMARY KEY (name, source)
);
CREATE INDEX login_failures_last_idx ON login_failures (last_at);

CREATE TABLE auth_counts (
	kind   text NOT NULL CHECK (kind IN ('login_source', 'login_failed_name',
	                                     'register_prefix', 'register_all')),
	key    text NOT NULL CHECK (char_length(key) <= 64),
	since  timestamptz NOT NULL,
	n      integer NOT NULL CHECK (n > 0),
	PRIMARY KEY (kind, key, since)
);
CREATE INDEX auth_counts_since_idx ON auth_counts (since);

CREATE TABLE pow_spent (
	signature  bytea PRIMARY KEY CHECK (octet_length(signature) = 32),
	expires_at timestamptz NOT NULL
);
CREATE INDEX pow_spent_expires_idx ON pow_spent (expires_at);

CREATE TABLE server_keys (
	purpose text PRIMARY KEY CHECK (purpose ~ '^[a-z_]{1,32}$'),
	key     bytea NOT NULL CHECK (octet_length(key) = 32),
	made_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE accounts ADD COLUMN organiser_made boolean NOT NULL DEFAULT false;

ALTER TABLE sessions ADD COLUMN last_seen_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX sessions_last_seen_idx ON sessions (last_seen_at);

GRANT SELECT, INSERT, UPDATE, DELETE ON login_failures, auth_counts, pow_spent
	TO netdep_app;
-- A key, once made, never changes under a running worker.
GRANT SELECT, INSERT ON server_keys TO netdep_app;
