/*
 * jury.h: what the judging handlers (h_moderation, h_jury, h_results,
 * h_fraud, h_admin) share: the contest a request names with the caller's
 * standing in it, answers of the write functions of sql/functions/,
 * JSON bodies with nested values, and CSV downloads.
 */
#ifndef NETDEP_JURY_H
#define NETDEP_JURY_H

#include <jansson.h>

#include "csv.h"
#include "db.h"
#include "db_contest.h"
#include "db_jury.h"
#include "req.h"
#include "valid.h"

/*
 * Loads contest slug for the caller.  Returns 0 with jc filled, or sends
 * 404 no_contest (or a database error) and returns that status.
 */
int jury_contest(struct req *r, const char *slug, struct contest_access *jc);

/*
 * Like jury_contest, and also sends 403 forbidden when the caller is not
 * a judge of that contest.
 */
int jury_contest_judge(struct req *r, const char *slug,
                       struct contest_access *jc);

/* The caller's account id as text (arena), or NULL when anonymous. */
const char *jury_uid(struct req *r);

/* The caller as the actor of a write, for the audit log. */
struct db_actor jury_actor(struct req *r);

/*
 * Answers a write function's answer (rc its tri-state): a failed outcome
 * through outcome.c (op names the operation, or NULL), else the body as
 * JSON with the outcome's status.  Returns the status sent.
 */
int jury_answer(struct req *r, const char *op, int rc,
                const struct db_answer *ans);

/*
 * Answers JSON text json (rc its read's tri-state) as 200, wrapped as
 * {"key": value} when key is not NULL; DB_NONE is 404.  Returns the status
 * sent.
 */
int jury_json(struct req *r, int rc, const char *json, const char *key);

/*
 * Parses the body as one JSON object (duplicate keys refused).  Returns
 * the object (caller releases with json_decref), or NULL after sending
 * 400 bad_json.
 */
json_t *jury_body(struct req *r);

/*
 * A PUT that replaces a list: reads the body and its member field, a list
 * of min to max objects, each turned by clean() into what the database
 * stores (a new reference; NULL refuses it).  Returns the cleaned list as
 * JSON text in the arena, or NULL after answering: 400 bad_json, 400
 * invalid_field with list_help for the list, or "<noun> <n> <item_help>."
 * for its n-th element.
 */
const char *jury_list(struct req *r, const char *field, size_t min, size_t max,
                      json_t *(*clean)(json_t *item), const char *list_help,
                      const char *noun, const char *item_help);

/*
 * Checks the scalar members of obj named in fields, as input_check does
 * for flat bodies: strings, whole numbers and booleans as text; null (and
 * an absent key) is absent, with null_seen[i] = 1 when given as null
 * (null_seen may be NULL).  Returns 0, or sends 400 and returns it.
 */
int jury_check(struct req *r, json_t *obj, const struct valid_field *fields,
               size_t nfields, struct valid_value *out, int *null_seen);

/*
 * A CSV attachment streamed as the export reads it (csv.h, db_sink in
 * db_jury.h): jury_csv_sink() prepares a sink for the file name and
 * header line, the data layer runs it, jury_csv_end() answers with the
 * export's tri-state: an error before the first row is an ordinary error
 * answer, one after it cuts the transfer off (resp_stream_abort()).
 * Headers queued before (ETag, Cache-Control) go with the answer.
 */
struct jury_csv {
	struct req        *r;
	const char        *file;
	const char *const *head;
	int                nhead;
	struct csv         c;
};

struct db_sink jury_csv_sink(struct jury_csv *x, struct req *r,
                             const char *file, const char *const *head,
                             int nhead);
int jury_csv_end(struct jury_csv *x, const struct db_sink *sink, int rc);

/*
 * GET /contests/{slug}/leaderboard?by=jury|combined (h_results.c), called
 * by h_leaderboard with its checked arguments (NULL when absent; limit as
 * text).  Returns the status sent.
 */
int h_results_leaderboard(struct req *r, const char *by, const char *category,
                          const char *unit, const char *unit_code,
                          const char *limit);

#endif
