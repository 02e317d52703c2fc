-- 007_similar.sql: one near-duplicate search.
--
-- The moderation queue (mod_similar() of 004) and GET /entries/{id}/similar
-- (a statement of cgi/stmt.c) each wrote the same dHash search with their
-- own columns and limits.  entry_similar() is the one search: entries of
-- any contest, not withdrawn, whose photo's dHash is within p_max bits of
-- this one's, nearest first (ties by id), at most p_limit (NULL: all).  A
-- thumbnail only where the viewer may see it: public once approved,
-- private to the judges of that entry's contest.

SET search_path = netdep, pg_catalog;

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
	           AND bit_count((mo.phash # me.phash)::bit(64)) <= p_max
	         ORDER BY d, o.id LIMIT p_limit) x);

DROP FUNCTION mod_similar(bigint, bigint);

GRANT EXECUTE ON FUNCTION entry_similar(bigint, bigint, integer, integer)
    TO netdep_app;
