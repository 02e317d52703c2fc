-- 120_consent.sql: consent, minors and data rights (issue 16).
-- Re-applied on every start (see sql/README.md); edit in place.

SET search_path = netdep, pg_catalog;

-- The current (highest) version of each consent text, as JSON for the
-- pages: {"rules": {"version": 1, "text": "..."}, ...}.
CREATE FUNCTION consent_current_json() RETURNS jsonb
LANGUAGE sql STABLE
RETURN (SELECT coalesce(jsonb_object_agg(t.kind, jsonb_build_object(
               'version', t.version, 'text', t.body)), '{}')
          FROM (SELECT DISTINCT ON (kind) kind, version, body
                  FROM consent_texts ORDER BY kind, version DESC) t);

-- The ids of the current versions of p_kinds.
CREATE FUNCTION consent_current_ids(p_kinds text[]) RETURNS SETOF bigint
LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT DISTINCT ON (kind) id FROM consent_texts
	 WHERE kind = ANY (p_kinds) ORDER BY kind, version DESC;
END;

-- Records p_account's acceptance of the current version of each kind of
-- p_kinds (with p_entry for an upload's consents, the guardian's name and
-- contact for 'guardian').  Answers the number of rows written.
CREATE FUNCTION consent_accept(p_account bigint, p_kinds text[],
                               p_entry bigint, p_ip text,
                               p_guardian_name text DEFAULT NULL,
                               p_guardian_contact text DEFAULT NULL)
RETURNS integer
LANGUAGE sql
BEGIN ATOMIC
	WITH cur AS (SELECT DISTINCT ON (kind) id, kind FROM consent_texts
	              WHERE kind = ANY (p_kinds) ORDER BY kind, version DESC),
	ins AS (INSERT INTO consents (account_id, text_id, entry_id, ip,
	                              guardian_name, guardian_contact)
	        SELECT p_account, cur.id, p_entry, p_ip::inet,
	               CASE WHEN cur.kind = 'guardian' THEN p_guardian_name END,
	               CASE WHEN cur.kind = 'guardian' THEN p_guardian_contact END
	          FROM cur RETURNING 1)
	SELECT count(*)::integer FROM ins;
END;

-- Decree 13/2023 (art. 20): a child under 16 needs a parent's or
-- guardian's consent.  Only the birth year is known, so a participant is
-- taken as possibly under 16 when the contest's year (Vietnam time, of
-- submit_from, else of the contest's creation) minus the birth year is
-- at most 16: someone born in 2010 may still be 15 on a 2026 contest
-- date.  An account without a birth year (made by an organiser with
-- netdep-admin) is the organiser's responsibility and is not flagged.
CREATE FUNCTION account_minor(p_account bigint, p_contest bigint)
RETURNS boolean
LANGUAGE sql STABLE
RETURN coalesce((SELECT extract(year FROM coalesce(c.submit_from, c.created_at)
                                    AT TIME ZONE 'Asia/Ho_Chi_Minh')
                        - a.birth_year <= 16
                   FROM accounts a, contests c
                  WHERE a.id = p_account AND c.id = p_contest), false);

-- An entry that may not be approved yet: its author may be under 16 and
-- no guardian has consented.
CREATE FUNCTION entry_guardian_missing(p_entry bigint) RETURNS boolean
LANGUAGE sql STABLE
RETURN coalesce((SELECT account_minor(e.account_id, e.contest_id)
                        AND NOT EXISTS (
                            SELECT 1 FROM consents k
                              JOIN consent_texts t ON t.id = k.text_id
                             WHERE k.account_id = e.account_id
                               AND t.kind = 'guardian')
                   FROM entries e WHERE e.id = p_entry), false);

-- Approval is refused whatever the caller checked: the moderation
-- handler maps the constraint to "guardian_consent_missing" (outcome.c).
CREATE FUNCTION entries_guardian_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
BEGIN
	IF entry_guardian_missing(NEW.id) THEN
		RAISE EXCEPTION 'entry % needs a guardian''s consent', NEW.id
		      USING ERRCODE = 'check_violation',
		            CONSTRAINT = 'entries_guardian_consent';
	END IF;
	RETURN NEW;
END
$$;

CREATE TRIGGER entries_guardian_guard BEFORE UPDATE OF status ON entries
	FOR EACH ROW
	WHEN (NEW.status = 'approved' AND OLD.status <> 'approved')
	EXECUTE FUNCTION entries_guardian_guard();

-- GET /api/v1/me/consent: the account's birth year, its consents and
-- whether a guardian is still needed (for any contest it entered or, with
-- no entry yet, for the current year).
CREATE FUNCTION account_consent_json(p_account bigint) RETURNS jsonb
LANGUAGE sql STABLE
RETURN (SELECT jsonb_build_object(
	'birth_year', a.birth_year,
	'guardian_needed', a.birth_year IS NOT NULL AND
	    extract(year FROM now() AT TIME ZONE 'Asia/Ho_Chi_Minh')
	    - a.birth_year <= 16,
	'guardian_given', EXISTS (SELECT 1 FROM consents k JOIN consent_texts t
	                           ON t.id = k.text_id
	                          WHERE k.account_id = a.id
	                            AND t.kind = 'guardian'),
	'consents', coalesce((SELECT jsonb_agg(jsonb_build_object(
	        'kind', t.kind, 'version', t.version, 'accepted_at',
	        k.accepted_at, 'entry_id', k.entry_id, 'guardian_name',
	        k.guardian_name, 'guardian_contact', k.guardian_contact)
	        ORDER BY k.accepted_at, k.id)
	   FROM consents k JOIN consent_texts t ON t.id = k.text_id
	  WHERE k.account_id = a.id), '[]'),
	'texts', consent_current_json())
  FROM accounts a WHERE a.id = p_account);

-- PATCH-like: the profile's birth year (an account made by an organiser
-- has none).  Audited.
CREATE FUNCTION account_birth_year_set(p_account bigint, p_year integer,
                                       p_ip text) RETURNS void
LANGUAGE sql
BEGIN ATOMIC
	SELECT audit(a.id, a.username, p_ip, 'account.birth_year', 'account',
	             a.id, NULL, jsonb_build_object('birth_year', a.birth_year),
	             jsonb_build_object('birth_year', p_year))
	  FROM accounts a WHERE a.id = p_account;
	UPDATE accounts SET birth_year = p_year WHERE id = p_account;
END;

-- POST /api/v1/me/guardian: the guardian's statement (a checkbox ticked
-- by the guardian on the participant's account), name and contact.
CREATE FUNCTION guardian_consent(p_account bigint, p_name text,
                                 p_contact text, p_ip text) RETURNS integer
LANGUAGE sql
BEGIN ATOMIC
	SELECT audit(a.id, a.username, p_ip, 'consent.guardian', 'account',
	             a.id, NULL, NULL,
	             jsonb_build_object('guardian_name', p_name))
	  FROM accounts a WHERE a.id = p_account;
	SELECT consent_accept(p_account, ARRAY['guardian'], NULL, p_ip, p_name,
	                      p_contact);
END;

-- GET /api/v1/me/data: everything stored about the account that is its
-- own: the account, its consents, its entries with their metadata and
-- decisions, its votes (entry and time; nobody else's data: not the
-- judges' names, not other voters).
-- plpgsql, bound late: entries.number comes with a later migration than
-- some a test runs alone (test_migrate.py).
CREATE FUNCTION account_data(p_account bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = netdep, pg_catalog AS $$
BEGIN
RETURN (SELECT jsonb_build_object(
	'exported_at', now(),
	'account', jsonb_build_object(
	    'id', a.id, 'username', a.username, 'display_name', a.display_name,
	    'unit', a.unit, 'unit_code', (SELECT u.code FROM units u
	                                   WHERE u.id = a.unit_id),
	    'email', a.email, 'phone', a.phone, 'birth_year', a.birth_year,
	    'created_at', a.created_at),
	'consents', account_consent_json(a.id) -> 'consents',
	'entries', coalesce((SELECT jsonb_agg(jsonb_build_object(
	    'id', e.id, 'contest', c.slug, 'number', e.number,
	    'title', e.title, 'caption', e.caption, 'unit', e.unit,
	    'status', e.status, 'reject_reason', e.reject_reason,
	    'created_at', e.created_at, 'decided_at', e.decided_at,
	    'media', CASE WHEN m.entry_id IS NULL THEN NULL ELSE
	        jsonb_build_object('type', m.original_type,
	                           'bytes', m.original_bytes,
	                           'width', m.width, 'height', m.height,
	                           'camera', m.camera, 'taken_at', m.taken_at,
	                           'sha256', encode(m.sha256, 'hex')) END)
	    ORDER BY e.id)
	  FROM entries e JOIN contests c ON c.id = e.contest_id
	  LEFT JOIN media m ON m.entry_id = e.id
	 WHERE e.account_id = a.id), '[]'),
	'votes', coalesce((SELECT jsonb_agg(jsonb_build_object(
	    'contest', c.slug, 'entry_id', v.entry_id, 'entry_number', e.number,
	    'entry_title', e.title, 'period', v.period, 'at', v.created_at,
	    'voided', v.voided_at IS NOT NULL) ORDER BY v.id)
	  FROM votes v JOIN entries e ON e.id = v.entry_id
	  JOIN contests c ON c.id = v.contest_id
	 WHERE v.voter_id = a.id), '[]'))
  FROM accounts a WHERE a.id = p_account);
END
$$;

-- POST /api/v1/me/erase: the owner's request to be forgotten.  In one
-- transaction: the account's pending and approved entries are withdrawn
-- and every entry's files marked purged (their tokens are answered: the
-- caller unlinks them after the commit, as the janitor does; what a crash
-- leaves, the orphan sweep removes); the personal data goes (name, e-mail,
-- phone, birth year, unit; the guardian's name and contact); the
-- sessions end; the login is disabled; its certificates are deleted
-- (their codes answered with the tokens).  The account row stays, renamed
-- "deleted-<id>", so the votes it cast still count (votes.voter_id) but
-- name nobody: their addresses and device hashes are cleared too.  One
-- audit row.
CREATE FUNCTION account_erase(p_account bigint, p_ip text)
RETURNS TABLE (token text)
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
DECLARE
	n_entries integer;
	n_votes   integer;
BEGIN
	PERFORM 1 FROM accounts WHERE id = p_account AND erased_at IS NULL
	    FOR UPDATE;
	IF NOT FOUND THEN
		RETURN;
	END IF;
	UPDATE entries SET status = 'withdrawn', slot = NULL,
	       updated_at = now()
	 WHERE account_id = p_account AND status IN ('pending', 'approved');
	UPDATE entries SET files_purged_at = now()
	 WHERE account_id = p_account AND files_purged_at IS NULL;
	GET DIAGNOSTICS n_entries = ROW_COUNT;
	UPDATE votes SET ip = NULL, ip_prefix = NULL, ua_hash = NULL
	 WHERE voter_id = p_account;
	GET DIAGNOSTICS n_votes = ROW_COUNT;
	UPDATE consents SET guardian_name = NULL, guardian_contact = NULL,
	       ip = NULL
	 WHERE account_id = p_account;
	DELETE FROM sessions WHERE account_id = p_account;
	PERFORM audit(NULL, 'netdep', p_ip, 'account.erase', 'account',
	              p_account, NULL, NULL,
	              jsonb_build_object('entries', n_entries, 'votes_kept',
	                                 n_votes));
	UPDATE accounts SET username = 'deleted-' || id,
	       display_name = 'Tài khoản đã xóa', unit = '', unit_id = NULL,
	       email = NULL, phone = NULL, birth_year = NULL,
	       password_hash = '$argon2id$erased', disabled_at = now(),
	       erased_at = now()
	 WHERE id = p_account;
	-- Certificates name the person: they go, files and all.
	RETURN QUERY SELECT m.token FROM media m JOIN entries e
	                ON e.id = m.entry_id
	              WHERE e.account_id = p_account
	             UNION ALL
	             SELECT k.code FROM certificates k
	              WHERE k.account_id = p_account;
	DELETE FROM certificates WHERE account_id = p_account;
END
$$;
