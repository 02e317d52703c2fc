-- 041_certificates.sql: certificates of a contest's winners and, when
-- the organiser chooses, of every approved participant (issue 16).
--
-- certificate_settings: per contest, the organiser's name printed on the
-- certificates, whether every approved participant gets one, and the
-- results_version() (050_jury.sql) the queue was last filled for, so the
-- janitor fills it again only when the prizes or the publication change.
--
-- certificates: one per entry and track; code is the public name (128
-- random bits as hex: the verification page /certificates/<code> and the
-- files <code>_cert.png / <code>_cert.pdf in the media store's priv/).
-- status: queued (the janitor renders it), ready, failed (logged; retried
-- when the results change).

SET search_path = netdep, pg_catalog;

CREATE TABLE certificate_settings (
	contest_id       bigint PRIMARY KEY REFERENCES contests (id),
	organiser        text NOT NULL DEFAULT ''
	                 CHECK (char_length(organiser) <= 200),
	all_participants boolean NOT NULL DEFAULT false,
	synced_version   text
);

CREATE TABLE certificates (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	code       text NOT NULL UNIQUE CHECK (code ~ '^[0-9a-f]{32}$'),
	contest_id bigint NOT NULL REFERENCES contests (id),
	entry_id   bigint NOT NULL REFERENCES entries (id),
	account_id bigint NOT NULL REFERENCES accounts (id),
	track      text NOT NULL CHECK (track ~ '^[a-z_]{1,32}$'),
	place      text NOT NULL CHECK (char_length(place) BETWEEN 1 AND 64),
	status     text NOT NULL DEFAULT 'queued'
	           CHECK (status IN ('queued', 'ready', 'failed')),
	created_at timestamptz NOT NULL DEFAULT now(),
	made_at    timestamptz,
	UNIQUE (entry_id, track)
);
CREATE INDEX certificates_queued_idx ON certificates (id)
	WHERE status = 'queued';
CREATE INDEX certificates_contest_idx ON certificates (contest_id, id);
CREATE INDEX certificates_account_idx ON certificates (account_id);

GRANT SELECT, INSERT, UPDATE ON certificate_settings TO netdep_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON certificates TO netdep_app;
