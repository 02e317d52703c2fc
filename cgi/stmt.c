/*
 * stmt.c: the one table of every statement set (stmt.h).  A new data-layer
 * module adds its set here; prepared statement names are unique across
 * all of them (db.c refuses to start otherwise).
 */
#include "stmt.h"

#include <stddef.h>

#include "db.h"
#include "db_account.h"
#include "db_cert.h"
#include "db_consent.h"
#include "db_contest.h"
#include "db_entry.h"
#include "db_janitor.h"
#include "db_judge.h"
#include "db_jury.h"
#include "db_ledger.h"
#include "db_metrics.h"
#include "db_ops.h"
#include "db_search.h"
#include "db_tracks.h"
#include "db_unit.h"
#include "db_vote.h"
#include "db_voter.h"

const struct stmt_set *const stmt_sets[] = {
    &db_sys_set,     /* db.c: health and durability */
    &db_account_set, /* accounts and sessions */
    &db_contest_set, /* contests, settings, judges */
    &db_entry_set,   /* entries, media, pages */
    &db_janitor_set, /* the janitor: files of closed entries, quotas */
    &db_jury_set,    /* moderation, scores, results, fraud, audit */
    &db_judge_set,   /* judging pages: revert, queue pages (issue 17) */
    &db_metrics_set, /* GET /metrics: the fold queue */
    &db_ops_set,     /* operations: what a restore asks */
    &db_search_set,  /* the entry search */
    &db_vote_set,    /* votes, boards, the folder */
    &db_unit_set,    /* the unit tree (issue 15) */
    &db_tracks_set,  /* prize tracks, weekly snapshots (issue 16) */
    &db_ledger_set,  /* vote ledger, review, appeals (issue 16) */
    &db_consent_set, /* consent, minors, data rights (issue 16) */
    &db_cert_set,    /* certificates (issue 16) */
    &db_voter_set,   /* the voter's state on the voting pages (issue 17) */
    NULL,
};
