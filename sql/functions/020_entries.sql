-- 020_entries.sql: Entries: the stats row each entry keeps, near-duplicate search.
-- Re-applied on every start (see sql/README.md); edit in place.

SET search_path = netdep, pg_catalog;

-- entry_stats follows each entry's status, category and unit (its node
-- and its free-text name).
CREATE FUNCTION entry_stats_sync() RETURNS trigger
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
BEGIN
	INSERT INTO entry_stats AS s (entry_id, contest_id, approved,
	                              category_id, unit, unit_id, account_id)
	VALUES (NEW.id, NEW.contest_id, NEW.status = 'approved',
	        NEW.category_id, NEW.unit, NEW.unit_id, NEW.account_id)
	ON CONFLICT (entry_id) DO UPDATE
	   SET approved = EXCLUDED.approved, category_id = EXCLUDED.category_id,
	       unit = EXCLUDED.unit, unit_id = EXCLUDED.unit_id
	 WHERE (s.approved, s.category_id, s.unit, s.unit_id)
	       IS DISTINCT FROM (EXCLUDED.approved, EXCLUDED.category_id,
	                         EXCLUDED.unit, EXCLUDED.unit_id);
	INSERT INTO fold_state AS f (contest_id, folded_at)
	VALUES (NEW.contest_id, now())
	ON CONFLICT (contest_id) DO UPDATE SET folded_at = now();
	RETURN NULL;
END
$$;

CREATE TRIGGER entries_stats_sync
    AFTER INSERT OR UPDATE OF status, category_id, unit, unit_id ON entries
    FOR EACH ROW EXECUTE FUNCTION entry_stats_sync();

CREATE FUNCTION entry_similar(p_entry bigint, p_viewer bigint, p_max integer,
                              p_limit integer) RETURNS jsonb
LANGUAGE sql STABLE
RETURN (SELECT coalesce(jsonb_agg(jsonb_build_object(
		'id', x.id, 'contest', x.slug, 'title', x.title,
		'status', x.status, 'author', x.display_name, 'unit', x.unit,
		'distance', x.d, 'created_at', x.created_at, 'url', '/e/' || x.id,
		'thumb_jpeg', CASE WHEN x.status = 'approved'
		              THEN '/media/' || media_path(x.token, '_t400.jpg')
		              WHEN is_judge_of(p_viewer, x.contest_id)
		              THEN '/api/v1/entries/' || x.id || '/media/t400.jpg'
		         END) ORDER BY x.d, x.id), '[]')
	  FROM (SELECT o.id, o.status, o.title, o.unit, o.created_at,
	               o.contest_id, c.slug, a.display_name, mo.token,
	               bit_count((mo.phash # me.phash)::bit(64)) AS d
	          FROM media me
	          JOIN media mo ON mo.entry_id <> me.entry_id
	                       AND mo.phash IS NOT NULL
	          JOIN entries o ON o.id = mo.entry_id
	          JOIN contests c ON c.id = o.contest_id
	          JOIN accounts a ON a.id = o.account_id
	         WHERE me.entry_id = p_entry AND me.phash IS NOT NULL
	           AND o.status <> 'withdrawn'
	           -- Only what the viewer may see anyway: public entries,
	           -- and any entry of a contest the viewer judges; never a
	           -- pending photo of another contest (issue 12).
	           AND (o.status = 'approved'
	                OR is_judge_of(p_viewer, o.contest_id))
	           AND bit_count((mo.phash # me.phash)::bit(64)) <= p_max
	         ORDER BY d, o.id LIMIT p_limit) x);

-- closed_at (migration 011) follows the status, whoever changes it: set
-- when an entry becomes rejected or withdrawn, NULL while it is pending or
-- approved.  The janitor's mark is final: once files_purged_at is set it
-- never changes (the CHECK entries_files_purged of 011 already keeps a
-- purged entry from being pending or approved again).
CREATE FUNCTION entries_closed_sync() RETURNS trigger
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
BEGIN
	IF NEW.status IN ('pending', 'approved') THEN
		NEW.closed_at := NULL;
	ELSIF TG_OP = 'INSERT' THEN
		NEW.closed_at := coalesce(NEW.closed_at, now());
	ELSIF OLD.status IN ('pending', 'approved') THEN
		NEW.closed_at := now();
	END IF;
	IF TG_OP = 'UPDATE' AND OLD.files_purged_at IS NOT NULL
	   AND NEW.files_purged_at IS DISTINCT FROM OLD.files_purged_at THEN
		RAISE EXCEPTION 'the files of entry % were removed at %',
		      OLD.id, OLD.files_purged_at
		      USING ERRCODE = 'check_violation',
		            CONSTRAINT = 'entries_files_purged';
	END IF;
	RETURN NEW;
END
$$;

CREATE TRIGGER entries_closed_sync
    BEFORE INSERT OR UPDATE OF status, files_purged_at ON entries
    FOR EACH ROW EXECUTE FUNCTION entries_closed_sync();

-- The Vietnam calendar day the upload quota counts in, and the seconds
-- until the next one begins (Retry-After of a refused upload).
CREATE FUNCTION upload_day() RETURNS date
LANGUAGE sql STABLE
RETURN (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date;

CREATE FUNCTION upload_day_left() RETURNS integer
LANGUAGE sql STABLE
RETURN greatest(1, ceil(extract(epoch FROM
	((upload_day() + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh')
	- now())))::integer;

-- Creates an upload's entry (its media row follows in the same
-- transaction).  The account's quota of p_quota stored uploads per
-- Vietnam day is raised first, atomically: the row's lock makes
-- concurrent uploads of one account wait for each other, and the WHERE of
-- DO UPDATE re-reads the committed count, so no race passes the quota.
-- The slot is the lowest free of the contest's max_entries (a concurrent
-- insert of another transaction that takes it raises unique_violation on
-- entries_slot_key; the caller retries).  Outcomes: created (entry_id),
-- upload_quota (detail: the quota; retry_after: seconds to the next
-- Vietnam day), entry_limit, outside_unit (detail: the organiser).  A caller that does not commit undoes the
-- count too: only stored uploads count, and withdrawing never refunds.
CREATE FUNCTION entry_create(p_contest bigint, p_account bigint,
                             p_category bigint, p_title text, p_caption text,
                             p_quota integer, p_number integer,
                             OUT outcome text, OUT entry_id bigint,
                             OUT detail text, OUT retry_after integer,
                             OUT number integer)
LANGUAGE plpgsql
SET search_path = netdep, pg_catalog
AS $$
DECLARE
	used_n integer;
	want   integer;
BEGIN
	-- Only the organising unit's subtree takes part (issue 15), unless
	-- the contest is open to all: detail names the organiser.
	detail := unit_outside(p_contest, p_account);
	IF detail IS NOT NULL THEN
		outcome := 'outside_unit';
		RETURN;
	END IF;
	INSERT INTO upload_quota AS q (account_id, day, used)
	VALUES (p_account, upload_day(), 1)
	ON CONFLICT (account_id, day)
	DO UPDATE SET used = q.used + 1 WHERE q.used < p_quota
	RETURNING q.used INTO used_n;
	IF used_n IS NULL OR used_n > p_quota THEN
		outcome := 'upload_quota';
		detail := p_quota::text;
		retry_after := upload_day_left();
		RETURN;
	END IF;
	-- p_number: the number the share card was drawn with (the contest's
	-- next when the upload began).  Taken only if it is still the next
	-- one, under the contest row's lock (never a number given before,
	-- not even one of a deleted entry); else the trigger numbers the
	-- entry and the caller redraws the card with the number answered.
	SELECT CASE WHEN c.entry_seq + 1 = p_number THEN p_number END
	  INTO want FROM contests c WHERE c.id = p_contest FOR NO KEY UPDATE;
	INSERT INTO entries AS e (contest_id, account_id, category_id, title,
	                          caption, unit, unit_id, slot, number)
	SELECT p_contest, a.id, p_category, p_title, p_caption, a.unit,
	       a.unit_id, s, want
	  FROM accounts a,
	       generate_series(1, (SELECT c.max_entries FROM contests c
	                            WHERE c.id = p_contest)) s
	 WHERE a.id = p_account
	   AND s NOT IN (SELECT x.slot FROM entries x
	                  WHERE x.contest_id = p_contest
	                    AND x.account_id = p_account
	                    AND x.slot IS NOT NULL)
	 ORDER BY s LIMIT 1
	RETURNING e.id, e.number INTO entry_id, number;
	outcome := CASE WHEN entry_id IS NULL THEN 'entry_limit'
	                ELSE 'created' END;
END
$$;

-- The janitor (cgi/janitor.c): marks at most p_limit entries closed for
-- longer than p_days as purged, oldest first, and answers their tokens;
-- the caller removes the files only after this committed.  Each row is
-- locked (FOR UPDATE re-reads a row changed since the snapshot and drops
-- it when it no longer qualifies), so a concurrent restore either commits
-- first (the entry is skipped) or waits and then meets entries_files_purged;
-- rows another transaction holds are skipped until the next run.  One
-- audit row per entry, by p_actor.
CREATE FUNCTION entry_files_purge(p_days integer, p_limit integer,
                                  p_actor text)
RETURNS TABLE (entry_id bigint, token text)
LANGUAGE sql
SET search_path = netdep, pg_catalog
BEGIN ATOMIC
	WITH due AS (
		SELECT e.id FROM entries e
		 WHERE e.closed_at IS NOT NULL AND e.files_purged_at IS NULL
		   AND e.status NOT IN ('pending', 'approved')
		   AND e.closed_at < now() - make_interval(days => p_days)
		 ORDER BY e.closed_at, e.id
		 LIMIT p_limit
		   FOR UPDATE OF e SKIP LOCKED),
	done AS (
		UPDATE entries e SET files_purged_at = now()
		  FROM due WHERE e.id = due.id
		RETURNING e.id, e.contest_id, e.status, e.closed_at),
	logged AS (
		INSERT INTO audit_log (actor_id, actor_name, action,
		                       target_type, target_id, contest_id,
		                       before, after)
		SELECT NULL, p_actor, 'entry.files_purge', 'entry', d.id,
		       d.contest_id,
		       jsonb_build_object('status', d.status,
		                          'closed_at', d.closed_at),
		       jsonb_build_object('files_purged_at', now())
		  FROM done d)
	SELECT d.id, m.token FROM done d JOIN media m ON m.entry_id = d.id
	 ORDER BY d.id;
END;
