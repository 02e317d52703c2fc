/*
 * db_tracks.h: prize tracks, weekly snapshots and photo hints (issue 16;
 * sql/functions/100_tracks.sql).
 */
#ifndef NETDEP_DB_TRACKS_H
#define NETDEP_DB_TRACKS_H

#include "db.h"
#include "db_jury.h"

extern const struct stmt_set db_tracks_set;

/* Every track of contest (id) computed, with the tie rule, the rules text,
 * the jury's comments and the next contest (tracks_results()). */
int db_tracks_results(struct db *db, struct arena *a, const char *contest,
                      const char **json);

/* The track definitions and the generated rules text (public). */
int db_tracks_rules(struct db *db, struct arena *a, const char *contest,
                    const char **json);

/* Replaces the tracks and settings of contest with body (JSON text).
 * Outcomes: ok, invalid_tracks (detail: the field and why),
 * results_published, no_contest. */
int db_tracks_save(struct db *db, struct arena *a, const char *contest,
                   const struct db_actor *by, const char *body,
                   struct db_answer *out);

/* Takes the weekly snapshots due now of contest (id), or of every contest
 * when NULL; *taken: how many. */
int db_snapshots_take(struct db *db, struct arena *a, const char *contest,
                      long long *taken);

/* The snapshots of contest (week NULL: all) with their notes, as JSON. */
int db_snapshots_show(struct db *db, struct arena *a, const char *contest,
                      const char *week, const char **json);

/* One week's snapshot rows for its CSV (rank, entry id, number, title,
 * author, unit, votes, total, voided since). */
int db_snapshot_export(struct db *db, const char *contest, const char *week,
                       struct db_sink *sink);

/* The id (decimal) of contest slug; DB_NONE when there is none. */
int db_tracks_contest_id(struct db *db, struct arena *a, const char *slug,
                         const char **id);

#endif
