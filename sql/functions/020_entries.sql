-- 020_entries.sql: Entries: the stats row each entry keeps, near-duplicate search.
-- Re-applied on every start (see sql/README.md); edit in place.

SET search_path = netdep, pg_catalog;

-- entry_stats follows each entry's status, category, unit and district.
CREATE FUNCTION entry_stats_sync() RETURNS trigger
LANGUAGE plpgsql SET search_path = netdep, pg_catalog AS $$
BEGIN
	INSERT INTO entry_stats AS s (entry_id, contest_id, approved,
	                              category_id, unit, district)
	VALUES (NEW.id, NEW.contest_id, NEW.status = 'approved',
	        NEW.category_id, NEW.unit, NEW.district)
	ON CONFLICT (entry_id) DO UPDATE
	   SET approved = EXCLUDED.approved, category_id = EXCLUDED.category_id,
	       unit = EXCLUDED.unit, district = EXCLUDED.district
	 WHERE (s.approved, s.category_id, s.unit, s.district)
	       IS DISTINCT FROM (EXCLUDED.approved, EXCLUDED.category_id,
	                         EXCLUDED.unit, EXCLUDED.district);
	INSERT INTO fold_state AS f (contest_id, folded_at)
	VALUES (NEW.contest_id, now())
	ON CONFLICT (contest_id) DO UPDATE SET folded_at = now();
	RETURN NULL;
END
$$;

CREATE TRIGGER entries_stats_sync
    AFTER INSERT OR UPDATE OF status, category_id, unit, district ON entries
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
