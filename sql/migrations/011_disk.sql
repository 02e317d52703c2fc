-- 011_disk.sql: the disk cannot be filled through uploads (issue 12, 8).
--
-- entries.closed_at: when the entry became rejected or withdrawn (NULL
-- while pending or approved); a trigger of functions/020_entries.sql
-- keeps it, whoever changes the status.  decided_at cannot serve: a
-- withdrawal of an approved entry keeps the approval's time.  Existing
-- closed entries get the best time the rows know.
-- entries.files_purged_at: when the janitor removed the entry's files
-- after the retention period (NETDEP_MEDIA_RETENTION_DAYS); set in the
-- janitor's transaction before any file goes, so it is never retried and
-- the sweeper treats what a crash left behind as orphans.  A purged entry
-- stays closed: the CHECK refuses to make it pending or approved again
-- (it has no photo any more), whatever path a restore would take.
-- upload_quota: stored uploads per account and Vietnam day, raised by
-- entry_create() in the entry's transaction or refused there; the CHECK
-- and the row lock make it race-free.  Withdrawing does not lower it.

SET search_path = netdep, pg_catalog;

ALTER TABLE entries ADD COLUMN closed_at timestamptz,
                    ADD COLUMN files_purged_at timestamptz;

UPDATE entries
   SET closed_at = CASE WHEN status = 'rejected'
                        THEN coalesce(decided_at, updated_at)
                        ELSE updated_at END
 WHERE status NOT IN ('pending', 'approved');

ALTER TABLE entries
    ADD CONSTRAINT entries_closed_at
        CHECK ((status IN ('pending', 'approved')) = (closed_at IS NULL)),
    ADD CONSTRAINT entries_files_purged
        CHECK (files_purged_at IS NULL OR closed_at IS NOT NULL);

-- The janitor's scan: closed entries whose files are still there.
CREATE INDEX entries_purge_due_idx ON entries (closed_at, id)
    WHERE closed_at IS NOT NULL AND files_purged_at IS NULL;

CREATE TABLE upload_quota (
	account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	day         date NOT NULL,
	used        integer NOT NULL CHECK (used >= 1),
	PRIMARY KEY (account_id, day)
);

GRANT SELECT, INSERT, UPDATE, DELETE ON upload_quota TO netdep_app;
