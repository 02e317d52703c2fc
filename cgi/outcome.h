/*
 * outcome.h: what a database write function says happened (a domain
 * result such as "no_entry" or "budget_spent"), and what a person sees
 * for it.  SQL never chooses an HTTP status or writes a message: it
 * returns an outcome name and, where useful, a detail (a name, a list);
 * the one table in outcome.c maps each to the HTTP status, the API's
 * error code and the Vietnamese message shown to the user.
 */
#ifndef NETDEP_OUTCOME_H
#define NETDEP_OUTCOME_H

struct req;

/* How an outcome is answered. */
struct outcome {
	const char *op;      /* operation it is specific to, or NULL: any */
	const char *name;    /* what the database function returns */
	int         status;  /* HTTP status */
	const char *code;    /* the API's "error" code (NULL: name) */
	const char *message; /* Vietnamese; one %s takes the detail */
};

/*
 * The row for outcome name in operation op (a row of that operation
 * first, then the row for any operation), or NULL when the table has
 * none: a function returned something the application does not know.
 */
const struct outcome *outcome_find(const char *op, const char *name);

/*
 * Answers a failed outcome: the status, error code and message of its
 * row, the message filled with detail ("" when NULL).  An unknown name
 * is logged and answered 500.  Returns the HTTP status written.
 */
int resp_outcome(struct req *r, const char *op, const char *name,
                 const char *detail);

/*
 * The database is away (DB_LOST: down, restarting, or the connection broke
 * mid-statement): 503 "unavailable" with Retry-After, nothing written.
 */
int resp_unavailable(struct req *r);

/* The media disk is full (ENOSPC, EDQUOT): 507 with Retry-After. */
int resp_storage_full(struct req *r);
/* The row index of outcome name in op (-1: none), for counting it, and
 * the name of row i (NULL past the end). */
int         outcome_index(const char *op, const char *name);
const char *outcome_name_at(int i);

/* 1 when name is a success ("ok", "created", "counted"), else 0. */
int outcome_ok(const char *name);

/* The HTTP status of a success outcome (201 for created or counted). */
int outcome_status(const char *op, const char *name);

#endif
