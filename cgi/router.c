/*
 * router.c: method + pattern -> handler.  Patterns are split on '/';
 * a '*' segment matches a slug-like segment ([a-z0-9-], captured into
 * r->seg), a '#' segment a decimal id (into r->id_param).  Default deny:
 * nothing that is not in the table reaches a handler.
 */
#include "router.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "config.h"
#include "db.h"
#include "handlers.h"
#include "metrics.h"
#include "outcome.h"
#include "resp.h"
#include "valid.h"

struct route {
	enum http_method method;
	const char      *pattern;
	int (*fn)(struct req *);
	unsigned flags;
};

/* Grouped by area; add a route at the end of its area's group. */
static const struct route routes[] = {
    /* process and accounts */
    {METHOD_GET, "/api/v1/health", h_health, 0},
    /* Prometheus; h_metrics() answers only NETDEP_METRICS_ALLOW */
    {METHOD_GET, "/metrics", h_metrics, R_LAZY},
    {METHOD_POST, "/api/v1/accounts", h_account_create, R_JSON},
    {METHOD_POST, "/api/v1/session", h_session_create, R_JSON},
    {METHOD_GET, "/api/v1/challenge", h_challenge, 0},
    {METHOD_GET, "/api/v1/session", h_session_get, R_AUTH},
    {METHOD_DELETE, "/api/v1/session", h_session_delete, R_AUTH | R_CSRF},
    /* contests */
    {METHOD_GET, "/api/v1/contests", h_contest_list, 0},
    {METHOD_GET, "/api/v1/contests/*", h_contest_get, 0},
    /* entries and media */
    {METHOD_POST, "/api/v1/contests/*/entries", h_entry_upload,
     R_AUTH | R_CSRF | R_UPLOAD},
    {METHOD_GET, "/api/v1/contests/*/entries", h_entry_list, 0},
    {METHOD_GET, "/api/v1/entries/#", h_entry_get, 0},
    {METHOD_GET, "/api/v1/entries/#/media/*", h_entry_media, R_AUTH},
    {METHOD_GET, "/api/v1/entries/#/original", h_entry_original, R_AUTH},
    {METHOD_GET, "/api/v1/me/entries", h_me_entries, R_AUTH},
    {METHOD_PATCH, "/api/v1/entries/#", h_entry_edit, R_AUTH | R_CSRF | R_JSON},
    {METHOD_DELETE, "/api/v1/entries/#", h_entry_withdraw, R_AUTH | R_CSRF},
    {METHOD_GET, "/api/v1/entries/#/similar", h_entry_similar,
     R_AUTH | R_JUDGE},
    /* moderation, jury, results, audit, admin */
    {METHOD_GET, "/api/v1/moderation/queue", h_moderation_queue,
     R_AUTH | R_JUDGE},
    {METHOD_POST, "/api/v1/entries/#/moderation", h_moderation_decide,
     R_AUTH | R_CSRF | R_JUDGE | R_JSON},
    {METHOD_GET, "/api/v1/moderation/progress", h_moderation_progress,
     R_AUTH | R_JUDGE},
    {METHOD_GET, "/api/v1/moderation/history", h_moderation_history,
     R_AUTH | R_JUDGE},
    {METHOD_GET, "/api/v1/moderation/reasons", h_moderation_reasons,
     R_AUTH | R_JUDGE},
    {METHOD_POST, "/api/v1/moderation/bulk", h_moderation_bulk,
     R_AUTH | R_CSRF | R_JUDGE | R_JSON},
    /* the judging pages (issue 17): undo a decision, the queue by pages */
    {METHOD_POST, "/api/v1/entries/#/moderation/revert", h_moderation_revert,
     R_AUTH | R_CSRF | R_JUDGE},
    {METHOD_GET, "/api/v1/moderation/queue/page", h_moderation_queue_page,
     R_AUTH | R_JUDGE},
    {METHOD_GET, "/api/v1/jury/entries", h_jury_entries, R_AUTH | R_JUDGE},
    {METHOD_PUT, "/api/v1/entries/#/scores", h_scores_put,
     R_AUTH | R_CSRF | R_JUDGE | R_JSON},
    {METHOD_GET, "/api/v1/entries/#/scores", h_scores_get, 0},
    {METHOD_GET, "/api/v1/contests/*/judges/progress", h_judges_progress,
     R_AUTH | R_JUDGE},
    {METHOD_GET, "/api/v1/contests/*/results", h_results_get, 0},
    {METHOD_PUT, "/api/v1/contests/*/prizes", h_prizes_put,
     R_AUTH | R_CSRF | R_ADMIN | R_JSON},
    {METHOD_POST, "/api/v1/contests/*/publish", h_results_publish,
     R_AUTH | R_CSRF | R_ADMIN},
    {METHOD_GET, "/api/v1/contests/*/results.csv", h_results_csv, 0},
    {METHOD_GET, "/api/v1/contests/*/entries.csv", h_entries_csv,
     R_AUTH | R_JUDGE},
    {METHOD_GET, "/api/v1/contests/*/votes.csv", h_votes_csv, R_AUTH | R_JUDGE},
    {METHOD_GET, "/api/v1/contests/*/fraud", h_fraud_report, R_AUTH | R_JUDGE},
    {METHOD_POST, "/api/v1/contests/*/votes/void", h_votes_void,
     R_AUTH | R_CSRF | R_ADMIN | R_JSON},
    {METHOD_POST, "/api/v1/contests/*/votes/restore", h_votes_restore,
     R_AUTH | R_CSRF | R_ADMIN | R_JSON},
    /* the voter's state on the voting pages (issue 17) */
    {METHOD_GET, "/api/v1/contests/*/me/votes", h_voter_state, R_AUTH},
    /* prize tracks and weekly snapshots (issue 16) */
    {METHOD_GET, "/api/v1/contests/*/tracks", h_tracks_get, 0},
    {METHOD_PUT, "/api/v1/contests/*/tracks", h_tracks_put,
     R_AUTH | R_CSRF | R_ADMIN | R_JSON},
    {METHOD_GET, "/api/v1/contests/*/prize-rules", h_tracks_rules, 0},
    {METHOD_POST, "/api/v1/contests/*/snapshots", h_snapshots_take,
     R_AUTH | R_CSRF | R_ADMIN},
    {METHOD_GET, "/api/v1/contests/*/weeks", h_weeks_get, 0},
    {METHOD_GET, "/api/v1/contests/*/weeks/#/csv", h_week_csv, 0},
    /* review of flagged votes, appeals, the vote ledger (issue 16) */
    {METHOD_GET, "/api/v1/contests/*/fraud-rules", h_fraud_rules_get,
     R_AUTH | R_JUDGE},
    {METHOD_PUT, "/api/v1/contests/*/fraud-rules", h_fraud_rules_put,
     R_AUTH | R_CSRF | R_ADMIN | R_JSON},
    {METHOD_GET, "/api/v1/contests/*/review", h_review_list, R_AUTH | R_JUDGE},
    {METHOD_POST, "/api/v1/contests/*/review/confirm", h_review_confirm,
     R_AUTH | R_CSRF | R_JUDGE | R_JSON},
    {METHOD_POST, "/api/v1/contests/*/review/void", h_review_void,
     R_AUTH | R_CSRF | R_JUDGE | R_JSON},
    {METHOD_GET, "/api/v1/me/review", h_review_mine, R_AUTH},
    {METHOD_POST, "/api/v1/entries/#/appeals", h_appeal_file,
     R_AUTH | R_CSRF | R_JSON},
    {METHOD_GET, "/api/v1/admin/appeals", h_appeals_list, R_AUTH | R_ADMIN},
    {METHOD_POST, "/api/v1/admin/appeals/#/answer", h_appeal_answer,
     R_AUTH | R_CSRF | R_ADMIN | R_JSON},
    {METHOD_GET, "/api/v1/ledger", h_ledger_digests, 0},
    {METHOD_GET, "/api/v1/admin/audit", h_admin_audit, R_AUTH | R_ADMIN},
    {METHOD_GET, "/api/v1/admin/audit.csv", h_admin_audit_csv,
     R_AUTH | R_ADMIN},
    {METHOD_POST, "/api/v1/contests", h_admin_contest_create,
     R_AUTH | R_CSRF | R_ADMIN | R_JSON},
    {METHOD_PATCH, "/api/v1/contests/*", h_admin_contest_update,
     R_AUTH | R_CSRF | R_ADMIN | R_JSON},
    {METHOD_POST, "/api/v1/contests/*/categories", h_admin_category_add,
     R_AUTH | R_CSRF | R_ADMIN | R_JSON},
    {METHOD_PUT, "/api/v1/contests/*/criteria", h_admin_criteria_put,
     R_AUTH | R_CSRF | R_ADMIN | R_JSON},
    {METHOD_POST, "/api/v1/contests/*/judges", h_admin_judge_grant,
     R_AUTH | R_CSRF | R_ADMIN | R_JSON},
    {METHOD_DELETE, "/api/v1/contests/*/judges/*", h_admin_judge_revoke,
     R_AUTH | R_CSRF | R_ADMIN},
    {METHOD_GET, "/api/v1/admin/contests/*/state", h_admin_state,
     R_AUTH | R_ADMIN},
    /* votes and leaderboards */
    {METHOD_POST, "/api/v1/entries/#/votes", h_vote_cast,
     R_AUTH | R_CSRF | R_BATCH},
    {METHOD_GET, "/api/v1/contests/*/leaderboard", h_leaderboard, R_LAZY},
    {METHOD_GET, "/api/v1/contests/*/leaderboard/units", h_leaderboard_units,
     R_LAZY},
    /* the unit tree (issue 15) */
    {METHOD_GET, "/api/v1/units", h_units_search, 0},
    {METHOD_GET, "/api/v1/units/*", h_unit_get, 0},
    {METHOD_PATCH, "/api/v1/me", h_me_update, R_AUTH | R_CSRF | R_JSON},
    {METHOD_POST, "/api/v1/admin/units/import", h_admin_units_import,
     R_AUTH | R_CSRF | R_ADMIN | R_UPLOAD},
    {METHOD_GET, "/api/v1/admin/units.csv", h_admin_units_csv,
     R_AUTH | R_ADMIN},
    {METHOD_GET, "/api/v1/admin/units/unmapped", h_admin_units_unmapped,
     R_AUTH | R_ADMIN},
    {METHOD_POST, "/api/v1/admin/units/map", h_admin_units_map,
     R_AUTH | R_CSRF | R_ADMIN | R_JSON},
    /* consent, minors and data rights (issue 16) */
    {METHOD_GET, "/api/v1/consent", h_consent_texts, 0},
    {METHOD_GET, "/api/v1/me/consent", h_me_consent, R_AUTH},
    {METHOD_PUT, "/api/v1/me/birth-year", h_me_birth_year,
     R_AUTH | R_CSRF | R_JSON},
    {METHOD_POST, "/api/v1/me/guardian", h_me_guardian,
     R_AUTH | R_CSRF | R_JSON},
    {METHOD_GET, "/api/v1/me/data", h_me_data, R_AUTH},
    {METHOD_POST, "/api/v1/me/erase", h_me_erase, R_AUTH | R_CSRF | R_JSON},
    /* certificates (issue 16) */
    {METHOD_GET, "/api/v1/certificates/*", h_cert_get, 0},
    {METHOD_GET, "/api/v1/me/certificates", h_me_certificates, R_AUTH},
    {METHOD_PUT, "/api/v1/contests/*/certificates", h_cert_settings,
     R_AUTH | R_CSRF | R_ADMIN | R_JSON},
    {METHOD_GET, "/api/v1/contests/*/certificates.zip", h_cert_zip,
     R_AUTH | R_ADMIN},
    /* server-rendered pages */
    {METHOD_GET, "/e/#", h_page_entry, 0},
    {METHOD_GET, "/certificates/*", h_cert_page, 0},
};

#define NROUTES (sizeof(routes) / sizeof(routes[0]))
/* metrics.c keeps a counter row per route, and one for "unmatched". */
_Static_assert(NROUTES < METRICS_ROUTES, "raise METRICS_ROUTES");

int
router_nroutes(void)
{
	return (int)NROUTES;
}

const char *
router_route(int i, const char **method)
{
	if (i < 0 || (size_t)i >= NROUTES)
		return NULL;
	*method = http_method_names[routes[i].method];
	return routes[i].pattern;
}

static int
seg_is_slug(const char *s, size_t n)
{
	if (n == 0 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		      s[i] == '.' || s[i] == '_'))
			return 0;
	return 1;
}

/* Matches path against pattern, capturing into r.  Returns 1 on a match. */
static int
route_match(struct req *r, const char *pattern, const char *path)
{
	const char *p = pattern, *s = path;

	r->nseg = 0;
	while (*p != '\0' && *s != '\0') {
		const char *pe = strchr(p, '/'), *se = strchr(s, '/');
		size_t      pn = pe ? (size_t)(pe - p) : strlen(p);
		size_t      sn = se ? (size_t)(se - s) : strlen(s);

		if (pn == 1 && *p == '*') {
			if (!seg_is_slug(s, sn) || r->nseg >= REQ_MAX_SEGS)
				return 0;
			r->seg[r->nseg++] = arena_strndup(r->a, s, sn);
		} else if (pn == 1 && *p == '#') {
			long long id;

			if (!valid_int(s, sn, 1, 9007199254740991LL, &id))
				return 0;
			r->id_param = id;
		} else if (pn != sn || memcmp(p, s, pn) != 0)
			return 0;
		p += pn;
		s += sn;
		if ((*p == '/') != (*s == '/'))
			return 0;
		if (*p == '/') {
			p++;
			s++;
		}
	}
	return *p == '\0' && *s == '\0';
}

static int
is_json(const char *ctype)
{
	size_t n = strlen("application/json");

	return ctype != NULL &&
	       strncasecmp(ctype, "application/json", n) == 0 &&
	       (ctype[n] == '\0' || ctype[n] == ';' || ctype[n] == ' ');
}

size_t
router_body_limit(struct req *r, int *upload)
{
	*upload = 0;
	for (size_t i = 0; i < NROUTES; i++)
		if (routes[i].method == r->method &&
		    (routes[i].flags & R_UPLOAD) &&
		    route_match(r, routes[i].pattern, r->path)) {
			*upload = 1;
			return r->cfg->max_upload;
		}
	return r->cfg->max_json;
}

int
router_session(struct req *r)
{
	int rc;

	if ((rc = auth_load(r)) >= 0)
		return 0;
	return rc == DB_LOST ? resp_unavailable(r)
	                     : resp_error(r, 500, "internal",
	                                  "The server could not check your "
	                                  "session.");
}

int
router_dispatch(struct req *r)
{
	const struct route *rt = NULL;
	unsigned            allowed = 0;
	int                 rc;

	for (size_t i = 0; i < NROUTES; i++) {
		if (!route_match(r, routes[i].pattern, r->path))
			continue;
		allowed |= 1u << routes[i].method;
		if (routes[i].method == r->method ||
		    (r->method == METHOD_HEAD &&
		     routes[i].method == METHOD_GET)) {
			rt = &routes[i];
			break;
		}
	}
	if (rt == NULL && allowed == 0)
		return resp_error(r, 404, "not_found",
		                  "There is nothing at this address.");
	if (rt == NULL) {
		char   allow[64] = "";
		size_t off = 0;

		for (int m = 0; m < METHOD__MAX && off < sizeof(allow); m++)
			if (allowed & (1u << m)) {
				int n = snprintf(
				    allow + off, sizeof(allow) - off, "%s%s",
				    off ? ", " : "", http_method_names[m]);

				if (n > 0)
					off += (size_t)n;
			}
		resp_header(r, "Allow", allow);
		return resp_error(r, 405, "method_not_allowed",
		                  "This address does not accept %s.",
		                  http_method_names[r->method]);
	}
	/* Re-match to restore the captures of the chosen route. */
	route_match(r, rt->pattern, r->path);
	r->route = (int)(rt - routes);

	/* A vote with a session cookie and a CSRF header: both are checked
	 * in its statement.  Without either, the checks below answer. */
	if ((rt->flags & R_BATCH) && r->csrf_header != NULL &&
	    *r->csrf_header != '\0' && auth_hash(r) == 1)
		return rt->fn(r);
	if (!(rt->flags & R_LAZY) && (rc = router_session(r)) != 0)
		return rc;
	if ((rt->flags & R_AUTH) && r->user == NULL)
		return auth_refuse_login(r);
	if ((rt->flags & R_CSRF) && !auth_csrf_ok(r))
		return auth_refuse_csrf(r);
	if ((rt->flags & R_ADMIN) && !r->user->is_admin)
		return resp_error(r, 403, "forbidden",
		                  "Only an administrator may do this.");
	if ((rt->flags & R_JUDGE) && !r->user->is_judge && !r->user->is_admin)
		return resp_error(r, 403, "forbidden",
		                  "Only a judge of this contest may do this.");
	if ((rt->flags & R_JSON) && !is_json(r->content_type))
		return resp_error(r, 415, "unsupported_media_type",
		                  "Send the body as application/json.");
	return rt->fn(r);
}
