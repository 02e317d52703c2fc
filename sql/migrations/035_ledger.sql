-- 035_ledger.sql: votes that can be questioned and proven (issue 16).
--
-- * vote_ledger: every vote, void and restore appended to one of 256 hash
--   chains (the voter's id mod 256), in the transaction of the event:
--   hash = sha256(previous hash of the chain || canonical bytes of the
--   event).  No head row: the last link of a chain is read from the
--   primary key under a transaction advisory lock on the chain, so two
--   votes wait on each other only when their voters share a chain.
-- * ledger_digests: one row per Vietnam day once it is over (the chain
--   heads, a root hash over them, counts), published as a page and JSON.
-- * fraud_rules: per contest, the rules that put votes under review.
-- * vote_review: a vote the rules flagged ('held', shown as "đang xác
--   minh"), then 'confirmed' or 'voided' by a judge or admin with a reason.
-- * appeals: an entrant's message about their votes, and the answer.

SET search_path = netdep, pg_catalog;

CREATE TABLE vote_ledger (
	chain    smallint NOT NULL,
	seq      bigint NOT NULL,
	at       timestamptz NOT NULL,
	kind     text NOT NULL CHECK (kind IN ('vote', 'void', 'restore')),
	vote_id  bigint NOT NULL,
	hash     bytea NOT NULL,
	PRIMARY KEY (chain, seq)
);
CREATE INDEX vote_ledger_at_brin ON vote_ledger USING brin (at);

-- Votes cast before the ledger existed are not in it (verify says so).
CREATE TABLE ledger_meta (
	id          integer PRIMARY KEY CHECK (id = 1),
	first_vote  bigint NOT NULL
);
INSERT INTO ledger_meta VALUES (1, coalesce((SELECT max(id) FROM votes), 0));

CREATE TABLE ledger_digests (
	day           date PRIMARY KEY,
	root          bytea NOT NULL,
	body          jsonb NOT NULL,
	published_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE fraud_rules (
	contest_id      bigint NOT NULL REFERENCES contests (id),
	rule            text NOT NULL
	                CHECK (rule IN ('burst_prefix', 'fresh_accounts',
	                                'shared_device')),
	enabled         boolean NOT NULL,
	min_votes       integer NOT NULL CHECK (min_votes BETWEEN 2 AND 100000),
	window_minutes  integer NOT NULL CHECK (window_minutes BETWEEN 1 AND 10080),
	max_age_hours   integer NOT NULL DEFAULT 24
	                CHECK (max_age_hours BETWEEN 1 AND 8760),
	PRIMARY KEY (contest_id, rule)
);

CREATE TABLE vote_review (
	vote_id     bigint PRIMARY KEY REFERENCES votes (id),
	contest_id  bigint NOT NULL,
	entry_id    bigint NOT NULL,
	rule        text NOT NULL,
	state       text NOT NULL CHECK (state IN ('held', 'confirmed', 'voided')),
	flagged_at  timestamptz NOT NULL DEFAULT now(),
	decided_at  timestamptz,
	decided_by  text,
	reason      text
);
CREATE INDEX vote_review_entry_idx ON vote_review (entry_id, state);
CREATE INDEX vote_review_contest_idx ON vote_review (contest_id, state);

-- The folder's review scan: the last vote id it evaluated.
CREATE TABLE review_cursor (
	id         integer PRIMARY KEY CHECK (id = 1),
	last_vote  bigint NOT NULL
);
INSERT INTO review_cursor VALUES (1, coalesce((SELECT max(id) FROM votes), 0));

CREATE TABLE appeals (
	id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	contest_id   bigint NOT NULL REFERENCES contests (id),
	entry_id     bigint NOT NULL REFERENCES entries (id),
	account_id   bigint NOT NULL REFERENCES accounts (id),
	message      text NOT NULL,
	created_at   timestamptz NOT NULL DEFAULT now(),
	answer       text,
	answered_by  text,
	answered_at  timestamptz
);
CREATE INDEX appeals_open_idx ON appeals (id) WHERE answer IS NULL;
CREATE INDEX appeals_account_idx ON appeals (account_id, id);

-- The ledger is append-only for the application.
GRANT SELECT, INSERT ON vote_ledger, ledger_digests TO netdep_app;
GRANT SELECT ON ledger_meta TO netdep_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON fraud_rules, vote_review,
    review_cursor, appeals TO netdep_app;
