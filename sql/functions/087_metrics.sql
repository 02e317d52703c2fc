-- 087_metrics.sql: what GET /metrics asks the database (issue 14; README,
-- Metrics).  Re-applied on every start (see sql/README.md); edit in place.

SET search_path = netdep, pg_catalog;

-- Vote changes the folder has not folded yet.  Counted up to a million:
-- a queue that long is an alarm already, and a scrape must stay cheap.
CREATE FUNCTION metrics_fold_queue()
RETURNS bigint
LANGUAGE sql STABLE SET search_path = netdep, pg_catalog AS $$
	SELECT count(*) FROM (SELECT 1 FROM vote_changes LIMIT 1000000) q
$$;
