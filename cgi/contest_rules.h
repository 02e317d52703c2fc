/*
 * contest_rules.h: the one list of a contest's settings, for every place
 * that writes them: the web admin (h_admin.c, JSON keys) and netdep-admin
 * (admin_contest.c, --dashed-names), through the same validators and
 * limits, which are also the schema's CHECKs (sql/migrations/001, 004).
 * A setting added here is settable from both, or from neither.
 *
 * X(ID, key, cli, kind, min, max): key is the column and the JSON key,
 * cli the command-line name (key with '-' for '_'); kind is one of LINE (one
 * line of min..max characters), BLOCK (text of at most max characters), TIME (a
 * time, or empty/null for an open window), INT (min..max), RULE (once or
 * daily) and BOOL.
 */
#ifndef NETDEP_CONTEST_RULES_H
#define NETDEP_CONTEST_RULES_H

#define CONTEST_SETTINGS(X)                                                    \
	X(TITLE, "title", "title", LINE, 1, 200)                               \
	X(RULES, "rules", "rules", BLOCK, 0, 20000)                            \
	X(SUBMIT_FROM, "submit_from", "submit-from", TIME, 0, 0)               \
	X(SUBMIT_UNTIL, "submit_until", "submit-until", TIME, 0, 0)            \
	X(VOTE_FROM, "vote_from", "vote-from", TIME, 0, 0)                     \
	X(VOTE_UNTIL, "vote_until", "vote-until", TIME, 0, 0)                  \
	X(RESULTS_AT, "results_at", "results-at", TIME, 0, 0)                  \
	X(MAX_ENTRIES, "max_entries", "max-entries", INT, 1, 100)              \
	X(VOTES_PER_DAY, "votes_per_day", "votes-per-day", INT, 1, 1000)       \
	X(VOTE_RULE, "vote_rule", "vote-rule", RULE, 0, 0)                     \
	X(SELF_VOTE, "self_vote", "self-vote", BOOL, 0, 0)                     \
	X(PUBLIC_WEIGHT, "public_weight", "public-weight", INT, 0, 100)        \
	X(MIN_SHORT_SIDE, "min_short_side", "min-short-side", INT, 1, 16384)   \
	X(MAX_PIXELS, "max_pixels", "max-pixels", INT, 1, 268435456)           \
	X(MAX_SIDE, "max_side", "max-side", INT, 1, 65535)                     \
	X(MAX_BYTES, "max_bytes", "max-bytes", INT, 1024, 104857600)           \
	X(COI_UNIT, "coi_unit", "coi-unit", BOOL, 0, 0)                        \
	X(ZSCORE, "zscore", "zscore", BOOL, 0, 0)                              \
	X(JUDGES_NAMED, "judges_named", "judges-named", BOOL, 0, 0)            \
	X(UNIT_CODE, "unit_code", "unit-code", LINE, 0, 64)                    \
	X(OPEN_TO_ALL, "open_to_all", "open-to-all", BOOL, 0, 0)

enum contest_kind {
	CONTEST_LINE,  /* CONTEST_LINE */
	CONTEST_BLOCK, /* CONTEST_BLOCK */
	CONTEST_TIME,  /* CONTEST_TIME */
	CONTEST_INT,   /* CONTEST_INT */
	CONTEST_RULE,  /* CONTEST_RULE */
	CONTEST_BOOL,  /* CONTEST_BOOL */
	CONTEST_KIND__MAX
};

#define CONTEST_ENUM(id, key, cli, kind, min, max) CS_##id,
enum contest_setting_id { CONTEST_SETTINGS(CONTEST_ENUM) CS__MAX };
#undef CONTEST_ENUM

struct contest_setting {
	const char       *key; /* column and JSON key */
	const char       *cli; /* the command-line name: key with '-' */
	enum contest_kind kind;
	long long         min, max;
};

/* Every setting, indexed by enum contest_setting_id. */
extern const struct contest_setting contest_settings[CS__MAX];

/* The vote rules a contest may have, NULL-terminated. */
extern const char *const contest_vote_rules[];

#endif
