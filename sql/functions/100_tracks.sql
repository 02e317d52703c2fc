-- 100_tracks.sql: prize tracks, weekly snapshots, the rules text generated
-- from the tracks, the photo hints for judges (issue 16).  Tables in
-- migrations/030_tracks.sql.
--
-- Rules every track follows (the rules text says them too):
--   ranking   standard competition ranking on the shown (rounded) score:
--             equal scores share a place and the next place is skipped
--             (1, 2, 2, 4);
--   tie rule  an entry wins when its rank is at most the track's places,
--             so every entry tied for the last winning place wins;
--   winning   an entry needs a score (jury: scored by at least one judge;
--             popularity and weekly: at least one valid vote);
--   exclusive unless the contest allows several prizes (multi_win), the
--             jury, popularity and combined tracks are decided in track
--             order and an entry that won in an earlier one is not a
--             candidate in a later one (the ranking is made without it).
--             Unit and weekly prizes stand apart.

SET search_path = netdep, pg_catalog;

-- The one definition of the votes that count for prizes: valid votes of
-- a contest that no fraud rule holds for review (vote_review, issue 16's
-- quarantine: a held vote counts on the boards as "đang xác minh", not
-- for a prize until a judge confirms it), by entry, cast in
-- [p_from, p_until) (NULL: unbounded).  Everything that ranks by votes
-- for a prize (popularity, combined, unit, weekly snapshots) reads it.
CREATE FUNCTION prize_votes(p_contest bigint, p_from timestamptz,
                            p_until timestamptz)
RETURNS TABLE (entry_id bigint, votes bigint)
LANGUAGE sql STABLE
AS $$
	SELECT v.entry_id, count(*)
	  FROM votes v
	 WHERE v.contest_id = p_contest AND v.voided_at IS NULL
	   AND (p_from IS NULL OR v.created_at >= p_from)
	   AND (p_until IS NULL OR v.created_at < p_until)
	   AND NOT EXISTS (SELECT 1 FROM vote_review r
	                    WHERE r.vote_id = v.id AND r.state = 'held')
	 GROUP BY v.entry_id
$$;

-- A track's jury score of each scored approved entry: each judge's mark
-- is the weighted mean of their criterion scores, with the track's
-- weights ({"Criterion": weight}; the contest's weights where not
-- given); with zscore each mark is standardised per judge (z = (mark -
-- judge's mean) / judge's standard deviation, 0 for a judge with one
-- value) and mapped back to 0..10 as pooled mean + z x pooled deviation,
-- clamped; the score is the mean over judges, rounded to 4 decimals.
CREATE FUNCTION track_jury(p_contest bigint, p_weights jsonb,
                           p_zscore boolean)
RETURNS TABLE (entry_id bigint, score numeric)
LANGUAGE sql STABLE
AS $$
	WITH w AS (SELECT k.id, coalesce((p_weights ->> k.name)::numeric,
	                                 k.weight) AS w
	             FROM criteria k WHERE k.contest_id = p_contest),
	m AS (SELECT s.entry_id, s.judge_id,
	             sum(s.score * w.w) / nullif(sum(w.w), 0) AS mark
	        FROM scores s JOIN w ON w.id = s.criterion_id
	        JOIN entries e ON e.id = s.entry_id
	       WHERE e.status = 'approved' AND w.w > 0
	       GROUP BY s.entry_id, s.judge_id),
	st AS (SELECT m.judge_id, avg(m.mark) AS mu, stddev_pop(m.mark) AS sd
	         FROM m GROUP BY m.judge_id),
	pool AS (SELECT avg(m.mark) AS mu, coalesce(stddev_pop(m.mark), 0) AS sd
	           FROM m)
	SELECT m.entry_id,
	       round(avg(CASE WHEN p_zscore THEN
	                 greatest(0, least(10, pool.mu + pool.sd *
	                     CASE WHEN st.sd > 0 THEN (m.mark - st.mu) / st.sd
	                          ELSE 0 END))
	                 ELSE m.mark END), 4)
	  FROM m JOIN st ON st.judge_id = m.judge_id CROSS JOIN pool
	 GROUP BY m.entry_id
$$;

-- Min-max normalisation to 0..100 over the candidates: (x - min) /
-- (max - min) x 100, 0 when every candidate has the same value.
CREATE FUNCTION track_minmax(x numeric, lo numeric, hi numeric)
RETURNS numeric
LANGUAGE sql IMMUTABLE
RETURN CASE WHEN hi > lo THEN (x - lo) * 100 / (hi - lo) ELSE 0 END;

-- The scores of an entry track (jury, popularity, combined) over the
-- approved entries of the contest not in p_out: score NULL means not a
-- candidate for a prize (no jury score / no valid vote).  parts says how
-- a combined score was made.
CREATE FUNCTION track_scores(p_contest bigint, t prize_tracks,
                             p_out bigint[])
RETURNS TABLE (entry_id bigint, score numeric, parts jsonb)
LANGUAGE sql STABLE
AS $$
	WITH e AS (SELECT x.id FROM entries x
	            WHERE x.contest_id = p_contest AND x.status = 'approved'
	              AND NOT x.id = ANY (p_out)),
	c AS (SELECT * FROM contests WHERE id = p_contest),
	j AS (SELECT * FROM track_jury(p_contest, t.params -> 'weights',
	                               coalesce((t.params ->> 'zscore')::boolean,
	                                        (SELECT zscore FROM c)))),
	v AS (SELECT * FROM prize_votes(p_contest, NULL, NULL)),
	b AS (SELECT e.id, j.score AS jury, coalesce(v.votes, 0) AS votes
	        FROM e LEFT JOIN j ON j.entry_id = e.id
	        LEFT JOIN v ON v.entry_id = e.id),
	r AS (SELECT min(coalesce(b.jury, 0)) AS jlo,
	             max(coalesce(b.jury, 0)) AS jhi,
	             min(b.votes) AS vlo, max(b.votes) AS vhi FROM b),
	n AS (SELECT b.*, track_minmax(coalesce(b.jury, 0), r.jlo, r.jhi) AS nj,
	             track_minmax(b.votes, r.vlo, r.vhi) AS nv
	        FROM b CROSS JOIN r)
	SELECT n.id,
	       CASE t.kind
	            WHEN 'jury' THEN n.jury
	            WHEN 'popularity' THEN nullif(n.votes, 0)::numeric
	            ELSE round(((t.params ->> 'jury_weight')::numeric * n.nj
	                        + (t.params ->> 'public_weight')::numeric * n.nv)
	                       / 100, 4)
	       END,
	       CASE WHEN t.kind = 'combined' THEN jsonb_build_object(
	            'jury', n.jury, 'votes', n.votes,
	            'jury_normalised', round(n.nj, 4),
	            'votes_normalised', round(n.nv, 4))
	       ELSE jsonb_build_object('jury', n.jury, 'votes', n.votes) END
	  FROM n
$$;

-- What the results show of an entry.  (The entry number of 014 is read
-- through to_jsonb so these functions load on a database being migrated
-- past 014 in steps, tests/e2e/test_migrate.py.)
CREATE FUNCTION track_entry(p_entry bigint) RETURNS jsonb
LANGUAGE sql STABLE
RETURN (SELECT jsonb_build_object('id', e.id,
               'number', to_jsonb(e) -> 'number',
               'title', e.title, 'author', a.display_name, 'unit', e.unit,
               'url', '/e/' || e.id,
               'thumb', CASE WHEN e.status = 'approved' AND m.token IS NOT NULL
                             THEN '/media/' || media_path(m.token, '_t400.jpg')
                        END)
          FROM entries e JOIN accounts a ON a.id = e.account_id
          LEFT JOIN media m ON m.entry_id = e.id
         WHERE e.id = p_entry);

-- The level a unit track ranks at: its params.level (province,
-- grassroots or branch), else the level directly under the contest's
-- organising unit (the centre, or no organising unit: province; a
-- province or city union: grassroots; a grassroots union: branch).
-- The ranking itself is track_units() in 105_unit_tracks.sql.
CREATE FUNCTION track_unit_level(t prize_tracks) RETURNS text
LANGUAGE sql STABLE
RETURN coalesce(t.params ->> 'level',
	(SELECT CASE WHEN u.level IS NULL OR u.level = 'centre' THEN 'province'
	             WHEN u.level = 'province' THEN 'grassroots'
	             ELSE 'branch' END
	   FROM contests c LEFT JOIN units u ON u.id = c.unit_id
	  WHERE c.id = t.contest_id));

-- A unit level as the rules text says it.
CREATE FUNCTION unit_level_words(p_level text) RETURNS text
LANGUAGE sql IMMUTABLE
RETURN CASE p_level WHEN 'province' THEN 'tỉnh đoàn, thành đoàn'
                    WHEN 'grassroots' THEN 'đoàn cơ sở'
                    WHEN 'branch' THEN 'chi đoàn' END;

-- The weeks of a contest: from the start of voting (the contest's
-- creation when voting has no start) to the first end of a week (the
-- contest's week_day at week_hour:00, Vietnam time, strictly after the
-- start), then every 7 days; the last week ends at the end of voting.
-- At most 520 weeks, and none that starts after p_now + 7 days.
CREATE FUNCTION contest_weeks(p_contest bigint, p_now timestamptz)
RETURNS TABLE (week integer, week_from timestamptz, week_until timestamptz)
LANGUAGE sql STABLE
AS $$
	WITH c AS (SELECT coalesce(x.vote_from, x.created_at) AS s,
	                  x.vote_until AS u, x.week_day, x.week_hour
	             FROM contests x WHERE x.id = p_contest),
	f AS (SELECT c.*, ((date_trunc('day', c.s AT TIME ZONE 'Asia/Ho_Chi_Minh')
	              + make_interval(days => ((c.week_day - extract(dow FROM
	                 c.s AT TIME ZONE 'Asia/Ho_Chi_Minh')::int + 7) % 7),
	                              hours => c.week_hour))
	             AT TIME ZONE 'Asia/Ho_Chi_Minh') AS e0
	        FROM c),
	g AS (SELECT f.*, CASE WHEN f.e0 <= f.s THEN f.e0 + interval '7 days'
	                       ELSE f.e0 END AS e1 FROM f),
	w AS (SELECT n, g.s, g.u, g.e1 + (n - 1) * interval '7 days' AS e
	        FROM g, generate_series(1, 520) n
	       WHERE g.e1 + (n - 2) * interval '7 days' < coalesce(g.u, 'infinity')
	         AND g.e1 + (n - 2) * interval '7 days' < p_now + interval '7 days')
	SELECT w.n, CASE WHEN w.n = 1 THEN w.s
	                 ELSE w.e - interval '7 days' END,
	       least(w.e, coalesce(w.u, 'infinity'))
	  FROM w
	 WHERE CASE WHEN w.n = 1 THEN w.s ELSE w.e - interval '7 days' END
	       < least(w.e, coalesce(w.u, 'infinity'))
$$;

-- Takes every snapshot due by p_now (a week that ended and has none yet)
-- of contest p_contest, or of every contest when NULL; the folder calls
-- it every minute, `netdep-admin snapshot take` and POST
-- /contests/{slug}/snapshots on demand.  A snapshot counts the valid
-- votes (prize_votes()) cast in its week, at the moment it is taken, and
-- is never changed afterwards.  Returns how many were taken.
CREATE FUNCTION snapshots_take(p_contest bigint, p_now timestamptz)
RETURNS integer
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
DECLARE
	w record;
	n integer := 0;
BEGIN
	FOR w IN SELECT c.id, k.week, k.week_from, k.week_until
	           FROM contests c, LATERAL contest_weeks(c.id, p_now) k
	          WHERE (p_contest IS NULL OR c.id = p_contest)
	            AND k.week_until <= p_now
	            AND NOT EXISTS (SELECT 1 FROM week_snapshots s
	                             WHERE s.contest_id = c.id
	                               AND s.week = k.week)
	          ORDER BY c.id, k.week
	LOOP
		-- One taker per contest: a concurrent one waits, then skips.
		PERFORM pg_advisory_xact_lock(hashtext('netdep.snapshot'), w.id::int);
		INSERT INTO week_snapshots (contest_id, week, week_from, week_until)
		VALUES (w.id, w.week, w.week_from, w.week_until)
		ON CONFLICT DO NOTHING;
		IF NOT FOUND THEN
			CONTINUE;
		END IF;
		INSERT INTO week_snapshot_rows (contest_id, week, entry_id, rank,
		                                votes, total)
		SELECT w.id, w.week, t.entry_id,
		       rank() OVER (ORDER BY coalesce(k.votes, 0) DESC),
		       coalesce(k.votes, 0), t.votes
		  FROM prize_votes(w.id, NULL, w.week_until) t
		  JOIN entries e ON e.id = t.entry_id AND e.status = 'approved'
		  LEFT JOIN prize_votes(w.id, w.week_from, w.week_until) k
		         ON k.entry_id = t.entry_id;
		n := n + 1;
	END LOOP;
	RETURN n;
END
$$;

-- Snapshots are history: nobody, not even the owner, changes them.
CREATE FUNCTION snapshots_frozen() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'weekly snapshots are never changed'
	      USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER week_snapshots_frozen
	BEFORE UPDATE OR DELETE ON week_snapshots
	FOR EACH ROW EXECUTE FUNCTION snapshots_frozen();
CREATE TRIGGER week_snapshot_rows_frozen
	BEFORE UPDATE OR DELETE ON week_snapshot_rows
	FOR EACH ROW EXECUTE FUNCTION snapshots_frozen();
CREATE TRIGGER week_snapshots_frozen_truncate
	BEFORE TRUNCATE ON week_snapshots
	FOR EACH STATEMENT EXECUTE FUNCTION snapshots_frozen();
CREATE TRIGGER week_snapshot_rows_frozen_truncate
	BEFORE TRUNCATE ON week_snapshot_rows
	FOR EACH STATEMENT EXECUTE FUNCTION snapshots_frozen();

-- The snapshots of a contest (one week, or all when p_week is NULL) as
-- frozen, with the note computed now: votes counted in a week that were
-- voided after the snapshot was taken.
CREATE FUNCTION snapshots_show(p_contest bigint, p_week integer) RETURNS jsonb
LANGUAGE sql STABLE
RETURN (SELECT coalesce(jsonb_agg(jsonb_build_object(
	'week', s.week, 'week_from', s.week_from, 'week_until', s.week_until,
	'taken_at', s.taken_at,
	'voided_since', (SELECT count(*) FROM votes v
	                  WHERE v.contest_id = s.contest_id
	                    AND v.created_at >= s.week_from
	                    AND v.created_at < s.week_until
	                    AND v.voided_at > s.taken_at),
	'csv', '/api/v1/contests/' || c.slug || '/weeks/' || s.week || '/csv',
	'rows', (SELECT coalesce(jsonb_agg(track_entry(r.entry_id)
	                || jsonb_build_object('rank', r.rank, 'votes', r.votes,
	                   'total', r.total,
	                   'voided_since', (SELECT count(*) FROM votes v
	                      WHERE v.entry_id = r.entry_id
	                        AND v.created_at >= s.week_from
	                        AND v.created_at < s.week_until
	                        AND v.voided_at > s.taken_at))
	                ORDER BY r.rank, r.entry_id), '[]')
	           FROM week_snapshot_rows r
	          WHERE r.contest_id = s.contest_id AND r.week = s.week))
	ORDER BY s.week), '[]')
	  FROM week_snapshots s JOIN contests c ON c.id = s.contest_id
	 WHERE s.contest_id = p_contest AND (p_week IS NULL OR s.week = p_week));

-- One week's snapshot as CSV rows (GET .../weeks/{n}/csv).
CREATE FUNCTION snapshot_csv(p_contest bigint, p_week integer)
RETURNS TABLE (rank integer, entry_id bigint, number integer, title text,
               author text, unit text, votes bigint, total bigint,
               voided_since bigint)
LANGUAGE sql STABLE
AS $$
	SELECT r.rank, r.entry_id, (to_jsonb(e) ->> 'number')::integer, e.title,
	       a.display_name, e.unit,
	       r.votes, r.total,
	       (SELECT count(*) FROM votes v
	         WHERE v.entry_id = r.entry_id AND v.created_at >= s.week_from
	           AND v.created_at < s.week_until
	           AND v.voided_at > s.taken_at)
	  FROM week_snapshot_rows r
	  JOIN week_snapshots s ON s.contest_id = r.contest_id
	                       AND s.week = r.week
	  JOIN entries e ON e.id = r.entry_id
	  JOIN accounts a ON a.id = e.account_id
	 WHERE r.contest_id = p_contest AND r.week = p_week
	 ORDER BY r.rank, r.entry_id
$$;

-- Every track of a contest computed, in track order, with exclusivity.
CREATE FUNCTION tracks_compute(p_contest bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE SET search_path = netdep, pg_catalog AS $$
DECLARE
	c    contests%ROWTYPE;
	t    prize_tracks%ROWTYPE;
	won  bigint[] := '{}';
	rows jsonb;
	out  jsonb := '[]';
	wins bigint[];
BEGIN
	SELECT * INTO c FROM contests WHERE id = p_contest;
	FOR t IN SELECT * FROM prize_tracks WHERE contest_id = p_contest
	          ORDER BY position
	LOOP
		IF t.kind IN ('jury', 'popularity', 'combined') THEN
			WITH s AS (SELECT * FROM track_scores(p_contest, t,
			           CASE WHEN c.multi_win THEN '{}'::bigint[]
			                ELSE won END)
			            WHERE score IS NOT NULL),
			k AS (SELECT s.*, rank() OVER (ORDER BY s.score DESC) AS rk
			        FROM s)
			SELECT coalesce(jsonb_agg(jsonb_build_object(
			           'rank', k.rk, 'score', k.score,
			           'winner', k.rk <= t.places, 'parts', k.parts,
			           'entry', track_entry(k.entry_id))
			           ORDER BY k.rk, k.entry_id), '[]'),
			       coalesce(array_agg(k.entry_id)
			                FILTER (WHERE k.rk <= t.places), '{}')
			  INTO rows, wins FROM k;
			won := won || wins;
			rows := jsonb_build_object('standings', rows);
		ELSIF t.kind = 'unit' THEN
			rows := jsonb_build_object('level', track_unit_level(t),
			                           'units', track_units(p_contest, t));
		ELSE
			SELECT jsonb_build_object('weeks', coalesce(jsonb_agg(
			           jsonb_build_object('week', w.week,
			             'week_from', w.week_from,
			             'week_until', w.week_until,
			             'standings', (SELECT coalesce(jsonb_agg(
			                 jsonb_build_object('rank', r.rank,
			                   'score', r.votes,
			                   'winner', r.rank <= t.places,
			                   'entry', track_entry(r.entry_id))
			                 ORDER BY r.rank, r.entry_id), '[]')
			               FROM week_snapshot_rows r
			              WHERE r.contest_id = p_contest
			                AND r.week = w.week AND r.votes > 0
			                AND r.rank <= t.places))
			           ORDER BY w.week), '[]'))
			  INTO rows
			  FROM week_snapshots w WHERE w.contest_id = p_contest;
		END IF;
		out := out || jsonb_build_array(jsonb_build_object(
		       'position', t.position, 'kind', t.kind, 'name', t.name,
		       'places', t.places, 'params', t.params,
		       'rule', track_rule(t)) || rows);
	END LOOP;
	RETURN out;
END
$$;

-- The winning entries of every entry track (jury, popularity, combined,
-- and each week of a weekly track), as tracks_compute() decides them:
-- the certificates' recipients (125_certs.sql).  place is 'rank:N'
-- (a weekly win 'rank:N:week:W').  Unit prizes go to units, not entries.
CREATE FUNCTION track_winners(p_contest bigint)
RETURNS TABLE (entry_id bigint, track text, place text)
LANGUAGE plpgsql STABLE SET search_path = netdep, pg_catalog AS $$
DECLARE
	t jsonb;
	w jsonb;
BEGIN
	FOR t IN SELECT x FROM jsonb_array_elements(tracks_compute(p_contest)) x
	LOOP
		IF t ? 'standings' THEN
			RETURN QUERY
			SELECT (r -> 'entry' ->> 'id')::bigint, t ->> 'name',
			       'rank:' || (r ->> 'rank')
			  FROM jsonb_array_elements(t -> 'standings') r
			 WHERE (r ->> 'winner')::boolean;
		ELSIF t ? 'weeks' THEN
			FOR w IN SELECT x FROM jsonb_array_elements(t -> 'weeks') x
			LOOP
				RETURN QUERY
				SELECT (r -> 'entry' ->> 'id')::bigint,
				       (t ->> 'name') || ' · tuần ' || (w ->> 'week'),
				       'rank:' || (r ->> 'rank')
				  FROM jsonb_array_elements(w -> 'standings') r
				 WHERE (r ->> 'winner')::boolean;
			END LOOP;
		END IF;
	END LOOP;
END
$$;

-- One track's rule, in Vietnamese, as the rules page and the results say
-- it.
CREATE FUNCTION track_rule(t prize_tracks) RETURNS text
LANGUAGE sql STABLE
RETURN t.name || ' (' || t.places || ' giải): ' || CASE t.kind
	WHEN 'jury' THEN 'xếp theo điểm ban giám khảo (điểm mỗi giám khảo là '
	     || 'trung bình có trọng số các tiêu chí'
	     || coalesce(' theo hệ số ' || (SELECT string_agg(k.key || ' ' ||
	        k.value, ', ' ORDER BY k.key)
	        FROM jsonb_each_text(t.params -> 'weights') k), '')
	     || CASE WHEN coalesce((t.params ->> 'zscore')::boolean,
	                  (SELECT zscore FROM contests WHERE id = t.contest_id))
	             THEN ', chuẩn hóa theo từng giám khảo (z-score)' ELSE '' END
	     || '; điểm của ảnh là trung bình các giám khảo).'
	WHEN 'popularity' THEN 'xếp theo số lượt bình chọn hợp lệ (không tính '
	     || 'lượt đã bị hủy).'
	WHEN 'combined' THEN 'điểm tổng hợp = ' || (t.params ->> 'jury_weight')
	     || '% điểm giám khảo + ' || (t.params ->> 'public_weight')
	     || '% lượt bình chọn hợp lệ; mỗi phần được chuẩn hóa về thang '
	     || '0–100 theo min–max giữa các ảnh dự thi ((giá trị − nhỏ nhất) '
	     || '/ (lớn nhất − nhỏ nhất) × 100; bằng 0 khi mọi ảnh như nhau).'
	WHEN 'unit' THEN 'xếp các đơn vị cấp '
	     || unit_level_words(track_unit_level(t)) || ' theo '
	     || CASE t.params ->> 'measure'
	     WHEN 'entries' THEN 'số ảnh dự thi được duyệt'
	     WHEN 'votes' THEN 'tổng lượt bình chọn hợp lệ của ảnh dự thi'
	     ELSE 'số người tham gia trên 100 đoàn viên (số đoàn viên mới nhất '
	          || 'đến ngày kết thúc cuộc thi)' END
	     || '; mỗi ảnh được tính cho chi đoàn của tác giả và mọi đơn vị '
	     || 'cấp trên, đơn vị đã sáp nhập được tính vào đơn vị kế thừa.'
	ELSE 'mỗi tuần, ảnh có nhiều lượt bình chọn hợp lệ nhất trong tuần '
	     || '(theo bảng chốt cuối tuần).'
END;

-- The rules text of a contest's prizes, generated from its tracks so the
-- rules page cannot disagree with them.
CREATE FUNCTION tracks_rules_text(p_contest bigint) RETURNS text
LANGUAGE sql STABLE
RETURN (SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM prize_tracks
                                      WHERE contest_id = c.id)
       THEN 'Ban tổ chức chưa công bố cơ cấu giải thưởng.'
       ELSE 'Cơ cấu giải thưởng:' || E'\n'
       || (SELECT string_agg(t.position || '. ' || track_rule(t), E'\n'
                             ORDER BY t.position)
             FROM prize_tracks t WHERE t.contest_id = c.id)
       || E'\n' || 'Xếp hạng đồng hạng: các bài bằng điểm cùng hạng và '
       || 'hạng kế tiếp bị bỏ qua (1, 2, 2, 4); mọi bài đồng hạng ở vị trí '
       || 'giải cuối cùng đều đạt giải.'
       || E'\n' || CASE WHEN c.multi_win
          THEN 'Một ảnh có thể đạt giải ở nhiều hạng mục.'
          ELSE 'Mỗi ảnh chỉ đạt một giải: các hạng mục được xét theo thứ '
               || 'tự trên, ảnh đã đạt giải ở hạng mục trước không được xét '
               || 'ở hạng mục sau (trừ giải đơn vị và giải tuần).' END
       || E'\n' || 'Bảng bình chọn được chốt vào '
       || (ARRAY['Chủ nhật', 'thứ Hai', 'thứ Ba', 'thứ Tư', 'thứ Năm',
                 'thứ Sáu', 'thứ Bảy'])[c.week_day + 1]
       || ' lúc ' || lpad(c.week_hour::text, 2, '0')
       || ':00 (giờ Việt Nam) hằng tuần và không thay đổi sau đó; lượt '
       || 'bình chọn bị hủy sau khi chốt được ghi chú bên cạnh.'
       END
          FROM contests c WHERE c.id = p_contest);

-- GET /contests/{slug}/tracks: every track computed, the tie rule, the
-- rules text, the jury's comments on the winners (once published), and
-- the next contest to invite to.
CREATE FUNCTION tracks_results(p_contest bigint) RETURNS jsonb
LANGUAGE sql STABLE
RETURN (SELECT jsonb_build_object(
	'contest', c.slug, 'title', c.title,
	'published', results_published(c), 'multi_win', c.multi_win,
	'week_day', c.week_day, 'week_hour', c.week_hour,
	'tie_rule', 'Đồng hạng: các bài bằng điểm cùng hạng, hạng kế tiếp bị '
	            || 'bỏ qua (1, 2, 2, 4); mọi bài đồng hạng ở vị trí giải '
	            || 'cuối cùng đều đạt giải.',
	'rules_text', tracks_rules_text(c.id),
	'tracks', tracks_compute(c.id),
	'comments', CASE WHEN results_published(c) THEN (
	    SELECT coalesce(jsonb_agg(jsonb_build_object('entry_id', sc.entry_id,
	           'judge', j.label, 'comment', sc.comment)
	           ORDER BY sc.entry_id, j.label), '[]')
	      FROM score_comments sc
	      JOIN jury_judges(c.id) j ON j.judge_id = sc.judge_id
	      JOIN entries e ON e.id = sc.entry_id
	     WHERE e.contest_id = c.id AND e.status = 'approved'
	       AND btrim(sc.comment) <> '') ELSE '[]' END,
	'next_contest', (SELECT jsonb_build_object('slug', n.slug,
	           'title', n.title, 'submit_from', n.submit_from,
	           'submit_until', n.submit_until,
	           'url', '/?contest=' || n.slug)
	      FROM contests n
	     WHERE n.id <> c.id
	       AND (n.submit_until IS NULL OR n.submit_until > now())
	       AND (n.results_at IS NULL OR n.results_at > now())
	     ORDER BY coalesce(n.submit_from, n.created_at) DESC, n.id DESC
	     LIMIT 1))
	  FROM contests c WHERE c.id = p_contest);

-- One track of a tracks_set() body checked; NULL when good, else a
-- Vietnamese message naming the field.
CREATE FUNCTION track_problem(i integer, x jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	f text := 'tracks[' || i || '].';
	p jsonb := coalesce(x -> 'params', '{}');
	k text;
BEGIN
	IF jsonb_typeof(x) <> 'object' THEN
		RETURN 'tracks[' || i || ']: mỗi hạng mục phải là một đối tượng';
	END IF;
	IF jsonb_typeof(x -> 'kind') IS DISTINCT FROM 'string' OR NOT (x ->> 'kind'
	   IN ('jury', 'popularity', 'combined', 'unit', 'weekly')) THEN
		RETURN f || 'kind: phải là jury, popularity, combined, unit hoặc weekly';
	END IF;
	IF jsonb_typeof(x -> 'name') IS DISTINCT FROM 'string'
	   OR char_length(btrim(x ->> 'name')) NOT BETWEEN 1 AND 120 THEN
		RETURN f || 'name: cần tên hạng mục, 1–120 ký tự';
	END IF;
	IF jsonb_typeof(x -> 'places') IS DISTINCT FROM 'number'
	   OR (x ->> 'places')::numeric <> trunc((x ->> 'places')::numeric)
	   OR (x ->> 'places')::numeric NOT BETWEEN 1 AND 100 THEN
		RETURN f || 'places: số giải phải là số nguyên từ 1 đến 100';
	END IF;
	IF jsonb_typeof(p) <> 'object' THEN
		RETURN f || 'params: phải là một đối tượng';
	END IF;
	FOR k IN SELECT jsonb_object_keys(p) LOOP
		IF NOT k = ANY (CASE x ->> 'kind'
		       WHEN 'jury' THEN ARRAY['weights', 'zscore']
		       WHEN 'combined' THEN ARRAY['jury_weight', 'public_weight',
		                                  'weights', 'zscore']
		       WHEN 'unit' THEN ARRAY['measure', 'level']
		       ELSE ARRAY[]::text[] END) THEN
			RETURN f || 'params.' || k || ': tham số không dùng cho loại '
			       || (x ->> 'kind');
		END IF;
	END LOOP;
	IF p ? 'zscore' AND jsonb_typeof(p -> 'zscore') <> 'boolean' THEN
		RETURN f || 'params.zscore: phải là true hoặc false';
	END IF;
	IF p ? 'weights' AND (jsonb_typeof(p -> 'weights') <> 'object'
	   OR EXISTS (SELECT 1 FROM jsonb_each(p -> 'weights') w
	               WHERE jsonb_typeof(w.value) <> 'number'
	                  OR (w.value #>> '{}')::numeric NOT BETWEEN 0 AND 100)) THEN
		RETURN f || 'params.weights: {"tên tiêu chí": hệ số 0–100}';
	END IF;
	IF x ->> 'kind' = 'combined' THEN
		IF jsonb_typeof(p -> 'jury_weight') IS DISTINCT FROM 'number'
		   OR jsonb_typeof(p -> 'public_weight') IS DISTINCT FROM 'number'
		   OR (p ->> 'jury_weight')::numeric NOT BETWEEN 0 AND 100
		   OR (p ->> 'public_weight')::numeric NOT BETWEEN 0 AND 100
		   OR (p ->> 'jury_weight')::numeric
		      + (p ->> 'public_weight')::numeric <> 100 THEN
			RETURN f || 'params: jury_weight và public_weight là số 0–100, '
			       || 'tổng bằng 100';
		END IF;
	END IF;
	IF x ->> 'kind' = 'unit' AND (jsonb_typeof(p -> 'measure')
	   IS DISTINCT FROM 'string' OR NOT (p ->> 'measure'
	   IN ('per_100_members', 'entries', 'votes'))) THEN
		RETURN f || 'params.measure: phải là per_100_members, entries '
		       || 'hoặc votes';
	END IF;
	IF x ->> 'kind' = 'unit' AND p ? 'level' AND (jsonb_typeof(p -> 'level')
	   IS DISTINCT FROM 'string' OR NOT (p ->> 'level'
	   IN ('province', 'grassroots', 'branch'))) THEN
		RETURN f || 'params.level: cấp đơn vị phải là province (tỉnh, '
		       || 'thành đoàn), grassroots (đoàn cơ sở) hoặc branch (chi '
		       || 'đoàn)';
	END IF;
	FOR k IN SELECT jsonb_object_keys(x) LOOP
		IF NOT k = ANY (ARRAY['kind', 'name', 'places', 'params']) THEN
			RETURN f || k || ': trường không được hỗ trợ';
		END IF;
	END LOOP;
	RETURN NULL;
END
$$;

-- PUT /contests/{slug}/tracks and `netdep-admin tracks set`: replaces a
-- contest's tracks and settings with p_body = {"multi_win": bool,
-- "week_day": 0..6, "week_hour": 0..23, "tracks": [{kind, name, places,
-- params}, ...]} (each key but tracks optional).  Checks everything
-- first: outcome invalid_tracks with a message naming the field, and
-- nothing written.  Refused once results are published.
CREATE FUNCTION tracks_set(p_contest bigint, p_actor bigint, p_name text,
                           p_ip text, p_body jsonb,
                           OUT outcome text, OUT detail text,
                           OUT body jsonb)
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
DECLARE
	c      contests%ROWTYPE;
	before jsonb;
	k      text;
	i      integer;
BEGIN
	SELECT * INTO c FROM contests WHERE id = p_contest FOR UPDATE;
	IF NOT FOUND THEN
		outcome := 'no_contest'; RETURN;
	END IF;
	IF results_published(c) THEN
		outcome := 'results_published'; RETURN;
	END IF;
	outcome := 'invalid_tracks';
	IF jsonb_typeof(p_body) IS DISTINCT FROM 'object' THEN
		detail := 'nội dung phải là một đối tượng JSON'; RETURN;
	END IF;
	FOR k IN SELECT jsonb_object_keys(p_body) LOOP
		IF NOT k = ANY (ARRAY['multi_win', 'week_day', 'week_hour',
		                      'tracks']) THEN
			detail := k || ': trường không được hỗ trợ'; RETURN;
		END IF;
	END LOOP;
	IF p_body ? 'multi_win' AND jsonb_typeof(p_body -> 'multi_win')
	   <> 'boolean' THEN
		detail := 'multi_win: phải là true hoặc false'; RETURN;
	END IF;
	IF p_body ? 'week_day' AND (jsonb_typeof(p_body -> 'week_day')
	   <> 'number' OR (p_body ->> 'week_day') !~ '^[0-6]$') THEN
		detail := 'week_day: từ 0 (Chủ nhật) đến 6 (thứ Bảy)'; RETURN;
	END IF;
	IF p_body ? 'week_hour' AND (jsonb_typeof(p_body -> 'week_hour')
	   <> 'number' OR (p_body ->> 'week_hour') !~ '^([0-9]|1[0-9]|2[0-3])$')
	THEN
		detail := 'week_hour: giờ từ 0 đến 23 (giờ Việt Nam)'; RETURN;
	END IF;
	IF p_body ? 'tracks' THEN
		IF jsonb_typeof(p_body -> 'tracks') <> 'array'
		   OR jsonb_array_length(p_body -> 'tracks') > 20 THEN
			detail := 'tracks: danh sách tối đa 20 hạng mục'; RETURN;
		END IF;
		FOR i IN 1 .. jsonb_array_length(p_body -> 'tracks') LOOP
			detail := track_problem(i, p_body -> 'tracks' -> (i - 1));
			IF detail IS NOT NULL THEN
				RETURN;
			END IF;
			-- Weights name the contest's criteria, nothing else.
			SELECT 'tracks[' || i || '].params.weights: cuộc thi không có '
			       || 'tiêu chí "' || w || '"' INTO detail
			  FROM jsonb_object_keys(coalesce(p_body -> 'tracks' -> (i - 1)
			       -> 'params' -> 'weights', '{}')) w
			 WHERE NOT EXISTS (SELECT 1 FROM criteria k
			                    WHERE k.contest_id = c.id AND k.name = w)
			 LIMIT 1;
			IF detail IS NOT NULL THEN
				RETURN;
			END IF;
		END LOOP;
	END IF;
	detail := NULL;
	SELECT jsonb_build_object('multi_win', c.multi_win,
	       'week_day', c.week_day, 'week_hour', c.week_hour,
	       'tracks', coalesce(jsonb_agg(jsonb_build_object('kind', t.kind,
	       'name', t.name, 'places', t.places, 'params', t.params)
	       ORDER BY t.position), '[]'))
	  INTO before FROM prize_tracks t WHERE t.contest_id = c.id;
	UPDATE contests
	   SET multi_win = coalesce((p_body ->> 'multi_win')::boolean, multi_win),
	       week_day = coalesce((p_body ->> 'week_day')::integer, week_day),
	       week_hour = coalesce((p_body ->> 'week_hour')::integer, week_hour)
	 WHERE id = c.id;
	IF p_body ? 'tracks' THEN
		DELETE FROM prize_tracks WHERE contest_id = c.id;
		INSERT INTO prize_tracks (contest_id, position, kind, name, places,
		                          params)
		SELECT c.id, x.n, x.v ->> 'kind', btrim(x.v ->> 'name'),
		       (x.v ->> 'places')::integer, coalesce(x.v -> 'params', '{}')
		  FROM jsonb_array_elements(p_body -> 'tracks')
		       WITH ORDINALITY AS x(v, n);
	END IF;
	SELECT jsonb_build_object('multi_win', x.multi_win,
	       'week_day', x.week_day, 'week_hour', x.week_hour,
	       'tracks', coalesce((SELECT jsonb_agg(jsonb_build_object(
	       'kind', t.kind, 'name', t.name, 'places', t.places,
	       'params', t.params) ORDER BY t.position)
	       FROM prize_tracks t WHERE t.contest_id = x.id), '[]'))
	  INTO body FROM contests x WHERE x.id = c.id;
	PERFORM audit(p_actor, p_name, p_ip, 'tracks.set', 'contest', c.id,
	              c.id, before, body);
	outcome := 'ok';
	body := body || jsonb_build_object('rules_text', tracks_rules_text(c.id));
END
$$;

-- Photo hints for judges (next to the near-duplicate hints): the EXIF
-- capture date (media.taken_at, "YYYY:MM:DD HH:MM:SS" as the camera
-- wrote it, read as Vietnam time) outside the contest's window (from the
-- start of submissions, or the contest's creation, to the end of
-- submissions), and photos of another entrant, in any contest, whose
-- perceptual hash (dHash) is within p_max bits.  Hints, not rules.
CREATE FUNCTION entry_photo_hints(p_entry bigint, p_max integer) RETURNS jsonb
LANGUAGE sql STABLE
RETURN (
	WITH m AS (SELECT me.*, e.account_id, c.submit_from, c.submit_until,
	                  c.created_at AS c_created,
	                  CASE WHEN me.taken_at ~
	                       '^[0-9]{4}:[0-9]{2}:[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$'
	                       AND substr(me.taken_at, 1, 4) <> '0000'
	                  THEN to_timestamp(me.taken_at, 'YYYY:MM:DD HH24:MI:SS')
	                       ::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' END AS t
	             FROM media me JOIN entries e ON e.id = me.entry_id
	             JOIN contests c ON c.id = e.contest_id
	            WHERE me.entry_id = p_entry)
	SELECT coalesce((SELECT jsonb_agg(h) FROM (
		SELECT jsonb_build_object('kind', 'taken_before',
		       'text', 'Chụp trước thời gian cuộc thi',
		       'taken_at', m.taken_at) AS h
		  FROM m WHERE m.t < coalesce(m.submit_from, m.c_created)
		UNION ALL
		SELECT jsonb_build_object('kind', 'taken_after',
		       'text', 'Chụp sau thời gian cuộc thi',
		       'taken_at', m.taken_at)
		  FROM m WHERE m.t > m.submit_until
		UNION ALL
		SELECT * FROM (
		SELECT jsonb_build_object('kind', 'other_entrant',
		       'text', 'Trùng ảnh của thí sinh khác',
		       'entry_id', o.id, 'contest', oc.slug,
		       'distance', bit_count((mo.phash # m.phash)::bit(64)))
		  FROM m JOIN media mo ON mo.entry_id <> m.entry_id
		                      AND mo.phash IS NOT NULL
		  JOIN entries o ON o.id = mo.entry_id
		  JOIN contests oc ON oc.id = o.contest_id
		 WHERE m.phash IS NOT NULL AND o.account_id <> m.account_id
		   AND bit_count((mo.phash # m.phash)::bit(64)) <= p_max
		 ORDER BY bit_count((mo.phash # m.phash)::bit(64)), o.id
		 LIMIT 5) x) y), '[]'));

-- GET /contests/{slug}/prize-rules (public at any time): the tracks as
-- defined and the rules text made from them.
CREATE FUNCTION tracks_rules(p_contest bigint) RETURNS jsonb
LANGUAGE sql STABLE
RETURN (SELECT jsonb_build_object('contest', c.slug,
	'multi_win', c.multi_win, 'week_day', c.week_day,
	'week_hour', c.week_hour, 'rules_text', tracks_rules_text(c.id),
	'tracks', coalesce((SELECT jsonb_agg(jsonb_build_object(
	          'position', t.position, 'kind', t.kind, 'name', t.name,
	          'places', t.places, 'params', t.params,
	          'level', CASE WHEN t.kind = 'unit' THEN track_unit_level(t) END,
	          'rule', track_rule(t)) ORDER BY t.position)
	     FROM prize_tracks t WHERE t.contest_id = c.id), '[]'))
	  FROM contests c WHERE c.id = p_contest);
