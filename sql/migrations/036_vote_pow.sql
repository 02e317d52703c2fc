-- 036_vote_pow.sql: a contest may ask a proof of work for every vote
-- (issue 16; off by default).  vote_cast() reads it with the contest row
-- it reads anyway; a proof is spent once (pow_spent, 009_security).
SET search_path = netdep, pg_catalog;
ALTER TABLE contests ADD COLUMN vote_pow boolean NOT NULL DEFAULT false;
