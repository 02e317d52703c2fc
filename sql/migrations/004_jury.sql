-- 004_jury.sql: judging (issue 5): conflict of interest, jury scores,
-- prizes and publication, the fraud report and the voiding of votes.
--
-- Every rule that a race could break lives here: one score per entry,
-- judge and criterion (UNIQUE), scores 0..10 with one decimal (CHECK),
-- conflict of interest on scores and on moderation decisions (triggers),
-- one first/second/third/most-voted prize per contest (partial UNIQUE).
-- The write paths are plpgsql functions (now sql/functions/050_jury.sql)
-- that check, write and audit in the caller's transaction and answer a
-- domain outcome, so the C handlers stay thin.  The application role may still not UPDATE or
-- DELETE audit_log (001 revoked it; nothing here grants it back).

SET search_path = netdep, pg_catalog;
ALTER TABLE contests
	ADD COLUMN coi_unit boolean NOT NULL DEFAULT false,
	ADD COLUMN zscore boolean NOT NULL DEFAULT false,
	ADD COLUMN judges_named boolean NOT NULL DEFAULT false;

-- Jury scores: 0..10 with at most one decimal per criterion per judge.
CREATE TABLE scores (
	entry_id     bigint NOT NULL REFERENCES entries (id),
	judge_id     bigint NOT NULL REFERENCES accounts (id),
	criterion_id bigint NOT NULL REFERENCES criteria (id),
	score        numeric(3, 1) NOT NULL CHECK (score >= 0 AND score <= 10),
	scored_at    timestamptz NOT NULL DEFAULT now(),
	UNIQUE (entry_id, judge_id, criterion_id)
);
CREATE INDEX scores_judge_idx ON scores (judge_id, entry_id);
CREATE INDEX scores_criterion_idx ON scores (criterion_id);

CREATE TABLE score_comments (
	entry_id   bigint NOT NULL REFERENCES entries (id),
	judge_id   bigint NOT NULL REFERENCES accounts (id),
	comment    text NOT NULL CHECK (char_length(comment) <= 2000),
	updated_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (entry_id, judge_id)
);

-- Prizes.  One first, second, third and most-voted per contest; an entry
-- holds at most one jury prize (it may also be the most voted).
CREATE TABLE prizes (
	contest_id  bigint NOT NULL REFERENCES contests (id),
	entry_id    bigint NOT NULL REFERENCES entries (id),
	prize       text NOT NULL
	            CHECK (prize IN ('first', 'second', 'third', 'consolation',
	                             'most_voted')),
	awarded_by  bigint REFERENCES accounts (id),
	awarded_at  timestamptz NOT NULL DEFAULT now(),
	UNIQUE (entry_id, prize)
);
CREATE UNIQUE INDEX prizes_one_each_key ON prizes (contest_id, prize)
	WHERE prize IN ('first', 'second', 'third', 'most_voted');
CREATE UNIQUE INDEX prizes_one_jury_prize_key ON prizes (entry_id)
	WHERE prize <> 'most_voted';

-- The fraud report reads valid votes of one contest by entry, address and
-- time; the audit log is read per contest, newest first.
CREATE INDEX votes_fraud_ip_idx ON votes (contest_id, entry_id, ip, created_at)
	WHERE voided_at IS NULL;
CREATE INDEX votes_fraud_prefix_idx
	ON votes (contest_id, entry_id, ip_prefix, created_at)
	WHERE voided_at IS NULL;
CREATE INDEX votes_voided_idx ON votes (contest_id, voided_at)
	WHERE voided_at IS NOT NULL;
CREATE INDEX audit_log_contest_idx ON audit_log (contest_id, id);
CREATE INDEX audit_log_at_idx ON audit_log (id) WHERE contest_id IS NULL;

GRANT SELECT, INSERT, UPDATE, DELETE ON scores, score_comments, prizes
    TO netdep_app;
