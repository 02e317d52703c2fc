-- 030_tracks.sql: prize tracks, weekly snapshots (issue 16).
--
-- A contest's prize tracks (jury, popularity, combined, unit, weekly),
-- each with its places and its parameters (checked by tracks_set() in
-- functions/100_tracks.sql, which is the only writer); whether one entry
-- may win in several tracks (multi_win); the end of a contest week in
-- Vietnam time (week_day 0 = Sunday .. 6, week_hour 0..23; Sunday 20:00
-- by default).  Weekly snapshots freeze the popularity standings at each
-- week end and are never changed afterwards (triggers of 100_tracks.sql
-- refuse UPDATE, DELETE and TRUNCATE).

SET search_path = netdep, pg_catalog;

ALTER TABLE contests
	ADD COLUMN multi_win boolean NOT NULL DEFAULT false,
	ADD COLUMN week_day integer NOT NULL DEFAULT 0
	    CHECK (week_day BETWEEN 0 AND 6),
	ADD COLUMN week_hour integer NOT NULL DEFAULT 20
	    CHECK (week_hour BETWEEN 0 AND 23);

CREATE TABLE prize_tracks (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	contest_id  bigint NOT NULL REFERENCES contests (id),
	position    integer NOT NULL CHECK (position BETWEEN 1 AND 20),
	kind        text NOT NULL
	            CHECK (kind IN ('jury', 'popularity', 'combined', 'unit',
	                            'weekly')),
	name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 120),
	places      integer NOT NULL CHECK (places BETWEEN 1 AND 100),
	params      jsonb NOT NULL DEFAULT '{}',
	UNIQUE (contest_id, position)
);

CREATE TABLE week_snapshots (
	contest_id  bigint NOT NULL REFERENCES contests (id),
	week        integer NOT NULL CHECK (week >= 1),
	week_from   timestamptz NOT NULL,
	week_until  timestamptz NOT NULL,
	taken_at    timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (contest_id, week),
	CHECK (week_from < week_until)
);

-- One row per approved entry with a valid vote by the week's end: its
-- valid votes cast in the week, its total to the week's end, its rank by
-- the week's votes (competition ranking).
CREATE TABLE week_snapshot_rows (
	contest_id  bigint NOT NULL,
	week        integer NOT NULL,
	entry_id    bigint NOT NULL REFERENCES entries (id),
	rank        integer NOT NULL CHECK (rank >= 1),
	votes       bigint NOT NULL CHECK (votes >= 0),
	total       bigint NOT NULL CHECK (total >= 0),
	PRIMARY KEY (contest_id, week, entry_id),
	FOREIGN KEY (contest_id, week) REFERENCES week_snapshots (contest_id, week)
);

GRANT SELECT, INSERT, UPDATE, DELETE ON prize_tracks TO netdep_app;
GRANT SELECT, INSERT ON week_snapshots, week_snapshot_rows TO netdep_app;
