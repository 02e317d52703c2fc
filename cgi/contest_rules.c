/*
 * contest_rules.c: the table of contest settings (contest_rules.h), built
 * from the one list so the web admin and netdep-admin cannot drift.
 */
#include "contest_rules.h"

#include <stddef.h>

const char *const contest_vote_rules[] = {"once", "daily", NULL};

#define CONTEST_ROW(id, k, c, kd, lo, hi)                                      \
	[CS_##id] = {                                                          \
	    .key = k, .cli = c, .kind = CONTEST_##kd, .min = lo, .max = hi},

const struct contest_setting contest_settings[CS__MAX] = {
    CONTEST_SETTINGS(CONTEST_ROW)};
