-- 012_text.sql: the text tools that search and the unit type-ahead need
-- (issue 15): unaccent folds Vietnamese diacritics ("Nguyễn" -> "Nguyen",
-- "đ" -> "d") and pg_trgm gives trigram similarity and GIN indexes that
-- make ILIKE '%…%' and typo-tolerant matching index scans.  Both ship with
-- PostgreSQL itself (contrib, in Debian's postgresql-15).
--
-- They live in their own schema, ext, not in netdep: 000_reset.sql drops
-- every function of schema netdep on each run, and an extension's
-- functions must not be among them.  A folded column is filled by a
-- trigger (sql/functions/), never by an index expression on a netdep
-- function, which 000_reset.sql refuses.

CREATE SCHEMA IF NOT EXISTS ext;
CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA ext;
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA ext;
GRANT USAGE ON SCHEMA ext TO netdep_app;
