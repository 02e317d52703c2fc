/*
 * h_metrics.c: GET /metrics, the Prometheus text exposition of every
 * worker's counters (metrics.c) and a few gauges read now: the media
 * filesystem's free space and the folder's queue.  Only addresses in
 * NETDEP_METRICS_ALLOW may read it (nginx refuses the others first, with
 * 403; a request that reaches a worker another way gets 404, as for a
 * path that does not exist).  README, Metrics, lists what each means.
 */
#include <stdlib.h>
#include <sys/time.h>

#include "config.h"
#include "db_metrics.h"
#include "handlers.h"
#include "metrics.h"
#include "outcome.h"
#include "resp.h"
#include "router.h"
#include "store.h"
#include "valid.h"

int
h_metrics(struct req *r)
{
	struct metrics_view v = {.nroutes = router_nroutes(),
	                         .route = router_route,
	                         .outcome = outcome_name_at,
	                         .fold_queue = -1};
	struct timeval      tv;
	char               *text;
	size_t              len;
	int                 rc;

	if (!valid_addr_in(r->cfg->metrics_allow, r->remote_addr))
		return resp_error(r, 404, "not_found",
		                  "There is nothing at this address.");
	gettimeofday(&tv, NULL);
	v.now_unix_ms = (double)tv.tv_sec * 1e3 + (double)tv.tv_usec / 1e3;
	if (r->store != NULL)
		(void)store_space(r->store, &v.disk_free, &v.disk_total);
	/* A database that is down leaves its gauge out, not the scrape. */
	(void)db_metrics_fold_queue(r->db, r->a, &v.fold_queue);
	if ((text = metrics_render(&v, &len)) == NULL)
		return resp_error(r, 500, "internal", "Out of memory.");
	resp_header(r, "Cache-Control", "no-store");
	rc = resp_bytes(r, 200, "text/plain; version=0.0.4; charset=utf-8",
	                NULL, text, len);
	free(text);
	return rc;
}
