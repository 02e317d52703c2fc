-- 001_schema.sql: the first schema of netdep.
--
-- Integrity lives here, not in C: uniqueness of usernames, one vote per
-- entry and period, the per-voter daily budget and the entry limit are all
-- decided by constraints, so no race between workers can break a rule.
-- Everything lives in schema "netdep"; the application connects as role
-- netdep_app, which may read and write rows but owns nothing and may not
-- change or delete the audit log.

CREATE SCHEMA IF NOT EXISTS netdep;
SET search_path = netdep, pg_catalog;

DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'netdep_app') THEN
		CREATE ROLE netdep_app LOGIN;
	END IF;
END
$$;

CREATE TABLE accounts (
	id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	username      text NOT NULL
	              CHECK (username ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{2,31}$'),
	display_name  text NOT NULL
	              CHECK (char_length(display_name) BETWEEN 1 AND 80),
	unit          text NOT NULL DEFAULT ''
	              CHECK (char_length(unit) <= 120),
	district      text NOT NULL DEFAULT ''
	              CHECK (char_length(district) <= 120),
	email         text CHECK (char_length(email) <= 254),
	phone         text CHECK (char_length(phone) <= 32),
	password_hash text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
	created_at    timestamptz NOT NULL DEFAULT now(),
	disabled_at   timestamptz
);
-- Usernames are unique regardless of case: "An" and "an" are one account.
CREATE UNIQUE INDEX accounts_username_key ON accounts (lower(username));

-- Only the SHA-256 of a session token is stored: a database leak does not
-- hand out live sessions.
CREATE TABLE sessions (
	token_hash  bytea PRIMARY KEY CHECK (octet_length(token_hash) = 32),
	account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	csrf_token  text NOT NULL CHECK (char_length(csrf_token) = 43),
	created_at  timestamptz NOT NULL DEFAULT now(),
	expires_at  timestamptz NOT NULL,
	ip          inet
);
CREATE INDEX sessions_account_idx ON sessions (account_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

CREATE TABLE contests (
	id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	slug            text NOT NULL UNIQUE
	                CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]$'),
	title           text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
	rules           text NOT NULL DEFAULT ''
	                CHECK (char_length(rules) <= 20000),
	submit_from     timestamptz,
	submit_until    timestamptz,
	vote_from       timestamptz,
	vote_until      timestamptz,
	results_at      timestamptz,
	max_entries     integer NOT NULL DEFAULT 3
	                CHECK (max_entries BETWEEN 1 AND 100),
	votes_per_day   integer NOT NULL DEFAULT 10
	                CHECK (votes_per_day BETWEEN 1 AND 1000),
	vote_rule       text NOT NULL DEFAULT 'daily'
	                CHECK (vote_rule IN ('once', 'daily')),
	self_vote       boolean NOT NULL DEFAULT false,
	public_weight   integer NOT NULL DEFAULT 30
	                CHECK (public_weight BETWEEN 0 AND 100),
	min_short_side  integer NOT NULL DEFAULT 800
	                CHECK (min_short_side BETWEEN 1 AND 16384),
	max_pixels      bigint NOT NULL DEFAULT 50000000
	                CHECK (max_pixels BETWEEN 1 AND 268435456),
	max_side        integer NOT NULL DEFAULT 16384
	                CHECK (max_side BETWEEN 1 AND 65535),
	max_bytes       integer NOT NULL DEFAULT 20971520
	                CHECK (max_bytes BETWEEN 1024 AND 104857600),
	created_at      timestamptz NOT NULL DEFAULT now(),
	CHECK (submit_from IS NULL OR submit_until IS NULL
	       OR submit_from < submit_until),
	CHECK (vote_from IS NULL OR vote_until IS NULL OR vote_from < vote_until)
);

CREATE TABLE categories (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	contest_id  bigint NOT NULL REFERENCES contests (id) ON DELETE CASCADE,
	name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 120),
	position    integer NOT NULL DEFAULT 0,
	UNIQUE (contest_id, name),
	UNIQUE (id, contest_id)
);

CREATE TABLE criteria (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	contest_id  bigint NOT NULL REFERENCES contests (id) ON DELETE CASCADE,
	name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 120),
	weight      integer NOT NULL CHECK (weight BETWEEN 1 AND 100),
	position    integer NOT NULL DEFAULT 0,
	UNIQUE (contest_id, name)
);

-- A role with contest_id NULL applies to every contest.
CREATE TABLE roles (
	account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	role        text NOT NULL CHECK (role IN ('judge', 'admin')),
	contest_id  bigint REFERENCES contests (id) ON DELETE CASCADE,
	granted_at  timestamptz NOT NULL DEFAULT now(),
	UNIQUE NULLS NOT DISTINCT (account_id, role, contest_id)
);

CREATE TABLE entries (
	id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	contest_id    bigint NOT NULL REFERENCES contests (id),
	account_id    bigint NOT NULL REFERENCES accounts (id),
	category_id   bigint,
	title         text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 120),
	caption       text NOT NULL DEFAULT ''
	              CHECK (char_length(caption) <= 2000),
	unit          text NOT NULL DEFAULT '',
	district      text NOT NULL DEFAULT '',
	status        text NOT NULL DEFAULT 'pending'
	              CHECK (status IN ('pending', 'approved', 'rejected',
	                                'withdrawn')),
	reject_reason text CHECK (char_length(reject_reason) <= 500),
	-- Which of the participant's max_entries places this entry holds;
	-- NULL once it no longer counts (rejected or withdrawn).  The partial
	-- unique index below makes the limit race-free.
	slot          integer CHECK (slot BETWEEN 1 AND 100),
	created_at    timestamptz NOT NULL DEFAULT now(),
	updated_at    timestamptz NOT NULL DEFAULT now(),
	decided_at    timestamptz,
	decided_by    bigint REFERENCES accounts (id),
	FOREIGN KEY (category_id, contest_id)
	    REFERENCES categories (id, contest_id),
	CHECK (status <> 'rejected' OR reject_reason IS NOT NULL),
	CHECK ((status IN ('pending', 'approved')) = (slot IS NOT NULL))
);
CREATE UNIQUE INDEX entries_slot_key
    ON entries (contest_id, account_id, slot) WHERE slot IS NOT NULL;
CREATE INDEX entries_contest_status_idx
    ON entries (contest_id, status, created_at, id);
CREATE INDEX entries_account_idx ON entries (account_id, created_at);

-- Files of one entry.  token names every file (128 random bits, hex):
-- derivatives are <token>_<kind>.<ext> and are published (linked into the
-- public tree) only while the entry is approved.
CREATE TABLE media (
	entry_id       bigint PRIMARY KEY REFERENCES entries (id),
	token          text NOT NULL UNIQUE CHECK (token ~ '^[0-9a-f]{32}$'),
	original_type  text NOT NULL
	               CHECK (original_type IN ('image/jpeg', 'image/png',
	                                        'image/webp')),
	original_bytes bigint NOT NULL CHECK (original_bytes > 0),
	width          integer NOT NULL CHECK (width > 0),
	height         integer NOT NULL CHECK (height > 0),
	thumb_width    integer NOT NULL,
	thumb_height   integer NOT NULL,
	display_width  integer NOT NULL,
	display_height integer NOT NULL,
	phash          bigint,
	camera         text CHECK (char_length(camera) <= 200),
	taken_at       text CHECK (char_length(taken_at) <= 32),
	sha256         bytea NOT NULL CHECK (octet_length(sha256) = 32),
	created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX media_sha256_idx ON media (sha256);

-- One row per vote: the truth from which every count is derived.
-- period is the Vietnam calendar day under the "daily" rule and a fixed
-- date under "once", so the unique key expresses both rules.
CREATE TABLE votes (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	contest_id  bigint NOT NULL REFERENCES contests (id),
	entry_id    bigint NOT NULL REFERENCES entries (id),
	voter_id    bigint NOT NULL REFERENCES accounts (id),
	period      date NOT NULL,
	vote_day    date NOT NULL,
	created_at  timestamptz NOT NULL DEFAULT now(),
	ip          inet,
	ip_prefix   cidr,
	ua_hash     bytea,
	voided_at   timestamptz,
	void_reason text,
	UNIQUE (entry_id, voter_id, period)
);
CREATE INDEX votes_entry_idx ON votes (entry_id) WHERE voided_at IS NULL;
CREATE INDEX votes_contest_day_idx ON votes (contest_id, vote_day);
CREATE INDEX votes_voter_idx ON votes (voter_id, created_at);

-- The daily budget: one row per voter, contest and Vietnam day.  The CHECK
-- is the limit; the vote function raises it atomically or refuses.
CREATE TABLE vote_budget (
	contest_id  bigint NOT NULL REFERENCES contests (id),
	voter_id    bigint NOT NULL REFERENCES accounts (id),
	vote_day    date NOT NULL,
	used        integer NOT NULL CHECK (used >= 0),
	PRIMARY KEY (contest_id, voter_id, vote_day)
);

-- Append-only: the application role may insert and read, never change.
CREATE TABLE audit_log (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at          timestamptz NOT NULL DEFAULT now(),
	actor_id    bigint REFERENCES accounts (id),
	actor_name  text NOT NULL,
	ip          inet,
	action      text NOT NULL CHECK (action ~ '^[a-z_.]{1,64}$'),
	target_type text NOT NULL,
	target_id   bigint,
	contest_id  bigint REFERENCES contests (id),
	before      jsonb,
	after       jsonb
);
CREATE INDEX audit_log_target_idx ON audit_log (target_type, target_id);

GRANT USAGE ON SCHEMA netdep TO netdep_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA netdep
    TO netdep_app;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM netdep_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA netdep TO netdep_app;
