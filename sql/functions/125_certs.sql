-- 125_certs.sql: certificates (issue 16).  Re-applied on every start.

SET search_path = netdep, pg_catalog;

-- Who gets a certificate of contest p_contest, and for what: the ONE
-- place that reads the winners.  Today: the jury prizes (track 'jury',
-- place first/second/third/consolation) and the most voted (track
-- 'popularity', place 'most_voted') of the prizes table, every winner
-- of the prize tracks (track_winners(): track = the track's name, place
-- 'rank:N'), and, when the organiser chose it
-- (certificate_settings.all_participants), every other approved entry
-- (track 'participation').
CREATE FUNCTION certificate_recipients(p_contest bigint)
RETURNS TABLE (entry_id bigint, account_id bigint, track text, place text)
LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT p.entry_id, e.account_id,
	       CASE WHEN p.prize = 'most_voted' THEN 'popularity' ELSE 'jury' END,
	       p.prize
	  FROM prizes p JOIN entries e ON e.id = p.entry_id
	 WHERE p.contest_id = p_contest AND e.status = 'approved'
	UNION ALL
	-- Every winner of the contest's prize tracks (100_tracks.sql).
	SELECT w.entry_id, e.account_id, w.track, w.place
	  FROM track_winners(p_contest) w JOIN entries e ON e.id = w.entry_id
	 WHERE e.status = 'approved'
	UNION ALL
	SELECT e.id, e.account_id, 'participation', 'participant'
	  FROM entries e
	  JOIN certificate_settings s ON s.contest_id = e.contest_id
	 WHERE e.contest_id = p_contest AND e.status = 'approved'
	   AND s.all_participants
	   AND NOT EXISTS (SELECT 1 FROM prizes p WHERE p.entry_id = e.id)
	   AND NOT EXISTS (SELECT 1 FROM track_winners(p_contest) w
	                    WHERE w.entry_id = e.id);
END;

-- What a certificate says of its track and place, in Vietnamese.
CREATE FUNCTION certificate_label(p_track text, p_place text) RETURNS text
LANGUAGE sql IMMUTABLE
RETURN CASE p_place
	WHEN 'first' THEN 'Giải Nhất'
	WHEN 'second' THEN 'Giải Nhì'
	WHEN 'third' THEN 'Giải Ba'
	WHEN 'consolation' THEN 'Giải Khuyến khích'
	WHEN 'most_voted' THEN 'Giải Bình chọn nhiều nhất'
	WHEN 'participant' THEN 'Chứng nhận tham gia'
	ELSE CASE WHEN p_place LIKE 'rank:%'
	          THEN p_track || ' · Hạng ' || substr(p_place, 6)
	          ELSE initcap(p_track) || ': ' || p_place END END;

-- The janitor's step (cgi/cert.c): queues the certificates of every
-- contest whose results are published and changed since the last fill
-- (results_version), one row per recipient not yet certified; answers
-- the rows queued now in all.  A recipient no longer in the results
-- keeps its certificate (it was issued; the organiser may revoke it by
-- hand).
CREATE FUNCTION certificates_fill() RETURNS integer
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
DECLARE
	c record;
	n integer := 0;
	k integer;
BEGIN
	FOR c IN SELECT x.id, results_version(x.id) AS v
	           FROM contests x
	           LEFT JOIN certificate_settings s ON s.contest_id = x.id
	          WHERE results_published(x)
	            AND s.synced_version IS DISTINCT FROM results_version(x.id)
	LOOP
		INSERT INTO certificates (code, contest_id, entry_id, account_id,
		                          track, place)
		SELECT replace(gen_random_uuid()::text, '-', ''), c.id, r.entry_id,
		       r.account_id, r.track, r.place
		  FROM certificate_recipients(c.id) r
		ON CONFLICT (entry_id, track) DO NOTHING;
		GET DIAGNOSTICS k = ROW_COUNT;
		n := n + k;
		INSERT INTO certificate_settings (contest_id, synced_version)
		VALUES (c.id, c.v)
		ON CONFLICT (contest_id) DO UPDATE SET synced_version = c.v;
	END LOOP;
	RETURN n;
END
$$;

-- The next p_limit queued certificates with everything drawn on them.
-- (plpgsql, bound late: entries.number comes with migration 014, which
-- test_migrate.py holds back once.)
CREATE FUNCTION certificates_due(p_limit integer)
RETURNS TABLE (code text, contest_title text, organiser text, label text,
               author text, unit text, entry_title text, entry_number integer,
               thumb_token text, issued text)
LANGUAGE plpgsql STABLE SET search_path = netdep, pg_catalog AS $$
#variable_conflict use_column
BEGIN
	RETURN QUERY SELECT k.code, c.title, coalesce(nullif(s.organiser, ''), c.title),
	       certificate_label(k.track, k.place), a.display_name,
	       coalesce(nullif(e.unit, ''), a.unit), e.title, e.number, m.token,
	       to_char(coalesce(c.results_at, now()) AT TIME ZONE
	               'Asia/Ho_Chi_Minh', 'DD/MM/YYYY')
	  FROM certificates k
	  JOIN contests c ON c.id = k.contest_id
	  JOIN entries e ON e.id = k.entry_id
	  JOIN accounts a ON a.id = k.account_id
	  LEFT JOIN media m ON m.entry_id = e.id
	  LEFT JOIN certificate_settings s ON s.contest_id = c.id
	 WHERE k.status = 'queued'
	 ORDER BY k.id LIMIT p_limit;
END
$$;

-- The janitor rendered (or failed to render) certificate p_code.
CREATE FUNCTION certificate_made(p_code text, p_ok boolean) RETURNS void
LANGUAGE sql
BEGIN ATOMIC
	UPDATE certificates SET status = CASE WHEN p_ok THEN 'ready'
	                                      ELSE 'failed' END,
	       made_at = now()
	 WHERE code = p_code;
END;

-- The public verification page's facts of certificate p_code (ready
-- ones only): who, for what, in which contest, when.
CREATE FUNCTION certificate_public(p_code text) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = netdep, pg_catalog AS $$
BEGIN
RETURN (SELECT jsonb_build_object(
	'code', k.code, 'contest', c.slug, 'contest_title', c.title,
	'organiser', coalesce(nullif(s.organiser, ''), c.title),
	'track', k.track, 'place', k.place,
	'label', certificate_label(k.track, k.place),
	'author', a.display_name, 'entry_id', e.id, 'entry_number', e.number,
	'entry_title', e.title, 'issued_at', k.made_at)
  FROM certificates k
  JOIN contests c ON c.id = k.contest_id
  JOIN entries e ON e.id = k.entry_id
  JOIN accounts a ON a.id = k.account_id
  LEFT JOIN certificate_settings s ON s.contest_id = c.id
 WHERE k.code = p_code AND k.status = 'ready');
END
$$;

-- GET /api/v1/me/certificates.
CREATE FUNCTION account_certificates(p_account bigint) RETURNS jsonb
LANGUAGE sql STABLE
RETURN (SELECT jsonb_build_object('certificates', coalesce(jsonb_agg(
	jsonb_build_object('code', k.code, 'contest', c.slug,
	                   'label', certificate_label(k.track, k.place),
	                   'track', k.track, 'place', k.place,
	                   'entry_id', e.id, 'entry_title', e.title,
	                   'ready', k.status = 'ready') ORDER BY k.id), '[]'))
  FROM certificates k
  JOIN contests c ON c.id = k.contest_id
  JOIN entries e ON e.id = k.entry_id
 WHERE k.account_id = p_account);

-- PUT /api/v1/contests/{slug}/certificates: the organiser's name and
-- whether every approved participant gets a certificate.  Audited.
-- The next fill sees the change (synced_version cleared).
CREATE FUNCTION certificate_settings_set(p_contest bigint, p_organiser text,
                                         p_all boolean, p_actor bigint,
                                         p_name text, p_ip text)
RETURNS jsonb
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
DECLARE
	before jsonb;
	after  jsonb;
BEGIN
	SELECT jsonb_build_object('organiser', s.organiser, 'all_participants',
	                          s.all_participants)
	  INTO before FROM certificate_settings s WHERE s.contest_id = p_contest;
	INSERT INTO certificate_settings AS s (contest_id, organiser,
	                                       all_participants)
	VALUES (p_contest, coalesce(p_organiser, ''), coalesce(p_all, false))
	ON CONFLICT (contest_id) DO UPDATE
	   SET organiser = coalesce(p_organiser, s.organiser),
	       all_participants = coalesce(p_all, s.all_participants),
	       synced_version = NULL
	RETURNING jsonb_build_object('organiser', s.organiser,
	                             'all_participants', s.all_participants)
	  INTO after;
	PERFORM audit(p_actor, p_name, p_ip, 'certificates.settings', 'contest',
	              p_contest, p_contest, before, after);
	RETURN after;
END
$$;
