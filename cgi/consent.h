/*
 * consent.h: the consent checkbox registration and upload share
 * (h_consent.c), and the range of a birth year.
 */
#ifndef NETDEP_CONSENT_H
#define NETDEP_CONSENT_H

#include "req.h"
#include "valid.h"

#define CONSENT_YEAR_MIN 1900
#define CONSENT_YEAR_MAX 2100

/* What a ticked checkbox or a JSON true sends: "yes", "on", "true", "1". */
extern const char *const consent_yes[];

/* The field-table row of the checkbox, not required by the table
 * (consent_check() answers its own message). */
#define CONSENT_FIELD                                                          \
	{                                                                      \
		"consent", valid_f_choice, 0, 0, 0, consent_yes                \
	}

/* 0 when v (checked with consent_field) is given; else answers 400
 * consent_required and returns the status. */
int consent_check(struct req *r, const struct valid_value *v);

#endif
