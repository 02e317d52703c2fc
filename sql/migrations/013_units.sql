-- 013_units.sql: units as a dated tree, not a free-text "unit" and
-- "district" (issue 15, part 1).
--
-- Since 1 July 2025 Vietnam has 34 provinces and cities and no district
-- level: commune and ward unions report to the provincial or city union.
-- A unit is a node of the Youth Union's tree
--   Trung ương Đoàn (centre) -> tỉnh đoàn / thành đoàn (province, city)
--   and the unions directly under the centre (direct) -> đoàn cơ sở
--   (commune, ward, special_zone, school, agency, enterprise,
--   armed_forces, grassroots) -> chi đoàn (branch),
-- with its dates of validity and successor links (a merger: many rows
-- naming one successor; a split: one row naming many), so an entry of a
-- contest held before the reform keeps the unit of its day and a viewer
-- can follow "Tỉnh đoàn Hải Dương -> Thành đoàn Hải Phòng".
--
-- An account or an entry names a node (unit_id), or, when the person's
-- unit is not listed, only a free-text name (unit) that an admin later
-- maps to a node; boards count those in an "other" row.  The district
-- field goes away: existing free-text units and districts become that
-- unmapped name ("unit (district)").
--
-- Boards by level: unit_stats/unit_voters (003, 008) were keyed by the
-- free-text unit and district.  They are now keyed by
--   province | grassroots | branch   name = the node's id (an entry
--                                     counts for its node and every
--                                     ancestor: unit_ancestors)
--   other                            name = '' (every unmapped entry)
--   unmapped                         name = the free-text name
-- and gain participants (distinct entrants), kept by the folder from
-- unit_participants like voters from unit_voters.

SET search_path = netdep, pg_catalog;

CREATE TABLE units (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	code        text NOT NULL UNIQUE
	            CHECK (code ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
	kind        text NOT NULL
	            CHECK (kind IN ('centre', 'province', 'city', 'direct',
	                            'commune', 'ward', 'special_zone', 'school',
	                            'agency', 'enterprise', 'armed_forces',
	                            'grassroots', 'branch')),
	level       text NOT NULL GENERATED ALWAYS AS (
	                CASE WHEN kind = 'centre' THEN 'centre'
	                     WHEN kind IN ('province', 'city', 'direct')
	                     THEN 'province'
	                     WHEN kind = 'branch' THEN 'branch'
	                     ELSE 'grassroots' END) STORED,
	name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
	short_name  text NOT NULL DEFAULT ''
	            CHECK (char_length(short_name) <= 80),
	parent_id   bigint REFERENCES units (id),
	valid_from  date,
	valid_to    date,
	-- fold(name || ' ' || short_name), kept by a trigger (080_units.sql).
	name_fold   text NOT NULL DEFAULT '',
	CHECK (parent_id <> id),
	CHECK (valid_from IS NULL OR valid_to IS NULL OR valid_from <= valid_to)
);
CREATE INDEX units_parent_idx ON units (parent_id);
CREATE INDEX units_name_trgm_idx ON units USING gin (name_fold ext.gin_trgm_ops);

-- Successor links: unit_id ended, successor_id took it over.
CREATE TABLE unit_successors (
	unit_id       bigint NOT NULL REFERENCES units (id) ON DELETE CASCADE,
	successor_id  bigint NOT NULL REFERENCES units (id) ON DELETE CASCADE,
	PRIMARY KEY (unit_id, successor_id),
	CHECK (unit_id <> successor_id)
);
CREATE INDEX unit_successors_successor_idx ON unit_successors (successor_id);

-- The closure of the tree: each unit with itself (depth 0) and every
-- ancestor.  Rebuilt by unit_import() (the tree changes only there).
CREATE TABLE unit_ancestors (
	unit_id      bigint NOT NULL REFERENCES units (id) ON DELETE CASCADE,
	ancestor_id  bigint NOT NULL REFERENCES units (id) ON DELETE CASCADE,
	depth        integer NOT NULL CHECK (depth >= 0),
	PRIMARY KEY (unit_id, ancestor_id)
);
CREATE INDEX unit_ancestors_ancestor_idx ON unit_ancestors (ancestor_id);

-- Membership numbers per unit and date (imported): the board per 100
-- members uses the latest figure on or before the contest's end.
CREATE TABLE unit_members (
	unit_id  bigint NOT NULL REFERENCES units (id) ON DELETE CASCADE,
	as_of    date NOT NULL,
	members  integer NOT NULL CHECK (members >= 0),
	PRIMARY KEY (unit_id, as_of)
);

ALTER TABLE accounts ADD COLUMN unit_id bigint REFERENCES units (id);
ALTER TABLE entries ADD COLUMN unit_id bigint REFERENCES units (id);
CREATE INDEX accounts_unmapped_idx ON accounts (unit) WHERE unit_id IS NULL;
CREATE INDEX entries_unmapped_idx ON entries (unit) WHERE unit_id IS NULL;
CREATE INDEX entries_unit_idx ON entries (unit_id) WHERE unit_id IS NOT NULL;

-- The organising unit: only its subtree takes part unless open_to_all.
ALTER TABLE contests ADD COLUMN unit_id bigint REFERENCES units (id),
                     ADD COLUMN open_to_all boolean NOT NULL DEFAULT false;

-- --- the free-text data: unit and district become one unmapped name -----
UPDATE accounts SET unit = left(CASE WHEN btrim(district) = '' THEN btrim(unit)
                                     WHEN btrim(unit) = '' THEN btrim(district)
                                     ELSE btrim(unit) || ' (' || btrim(district)
                                          || ')' END, 200)
 WHERE district <> '' OR unit <> btrim(unit);
UPDATE entries SET unit = left(CASE WHEN btrim(district) = '' THEN btrim(unit)
                                    WHEN btrim(unit) = '' THEN btrim(district)
                                    ELSE btrim(unit) || ' (' || btrim(district)
                                         || ')' END, 200)
 WHERE district <> '' OR unit <> btrim(unit);
ALTER TABLE accounts DROP CONSTRAINT accounts_unit_check;
ALTER TABLE accounts ADD CHECK (char_length(unit) <= 200);
ALTER TABLE accounts DROP COLUMN district;
ALTER TABLE entries DROP COLUMN district;

-- --- the per-unit board tables, re-keyed ------------------------------------
ALTER TABLE entry_stats DROP COLUMN district;
ALTER TABLE entry_stats ADD COLUMN unit_id bigint,
                        ADD COLUMN account_id bigint;
UPDATE entry_stats s SET unit = e.unit, account_id = e.account_id
  FROM entries e WHERE e.id = s.entry_id;
ALTER TABLE entry_stats ALTER COLUMN account_id SET NOT NULL;

-- The folder may be running: the old keys go, and every count comes back
-- through the queues below (the next fold adds them up).  Votes wait for
-- this transaction (the queue is locked), so the requeue is exact: the
-- folded counts start from zero and the queue holds every valid vote.
LOCK TABLE vote_changes, unit_stats, unit_voters, unit_entry_changes,
    entry_stats, entry_day_counts, entry_week_counts IN EXCLUSIVE MODE;
DELETE FROM unit_stats;
DELETE FROM unit_voters;
DELETE FROM unit_entry_changes;
DELETE FROM vote_changes;
UPDATE entry_stats SET votes = 0 WHERE votes <> 0;
DELETE FROM entry_day_counts;
DELETE FROM entry_week_counts;
ALTER TABLE unit_stats DROP CONSTRAINT unit_stats_level_check;
ALTER TABLE unit_voters DROP CONSTRAINT unit_voters_level_check;
ALTER TABLE unit_stats ADD CONSTRAINT unit_stats_level_check
    CHECK (level IN ('province', 'grassroots', 'branch', 'other',
                     'unmapped'));
ALTER TABLE unit_voters ADD CONSTRAINT unit_voters_level_check
    CHECK (level IN ('province', 'grassroots', 'branch', 'other',
                     'unmapped'));
ALTER TABLE unit_stats ADD COLUMN participants bigint NOT NULL DEFAULT 0;
ALTER TABLE unit_entry_changes ADD COLUMN account_id bigint NOT NULL;

-- Distinct entrants per unit: approved entries of each account under it.
CREATE TABLE unit_participants (
	contest_id  bigint NOT NULL,
	level       text NOT NULL,
	name        text NOT NULL,
	account_id  bigint NOT NULL,
	entries     bigint NOT NULL,
	PRIMARY KEY (contest_id, level, name, account_id)
);

-- Existing data back through the queues (every entry is unmapped now).
INSERT INTO unit_entry_changes (contest_id, level, name, account_id, delta)
SELECT s.contest_id, l.level, l.name, s.account_id, count(*)
  FROM entry_stats s,
       LATERAL (VALUES ('other', ''), ('unmapped', s.unit)) l(level, name)
 WHERE s.approved
 GROUP BY 1, 2, 3, 4;
INSERT INTO vote_changes (entry_id, voter_id, vote_day, delta)
SELECT entry_id, voter_id, vote_day, count(*) FROM votes
 WHERE voided_at IS NULL GROUP BY 1, 2, 3;

GRANT SELECT, INSERT, UPDATE, DELETE ON units, unit_successors,
    unit_ancestors, unit_members, unit_participants TO netdep_app;
