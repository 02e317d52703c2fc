/*
 * admin_args.c: splits a command's words into options, KEY=VALUE pairs
 * and positional arguments.  Values are not checked here: that is the
 * validators' job once the words are sorted.
 */
#include "admin_args.h"

#include <stdio.h>
#include <string.h>

int
admin_args_find(const char *const *names, size_t n, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(names[i]) == len && memcmp(names[i], s, len) == 0)
			return (int)i;
	return -1;
}

int
admin_args_parse(int argc, char *const *argv, const char *const *names,
                 size_t nnames, const char **vals, const char **pos,
                 size_t maxpos, size_t *npos, char *err, size_t errlen)
{
	int         i, k, options = 1;
	const char *a, *eq, *val;
	size_t      namelen;

	*npos = 0;
	for (i = 0; i < argc; i++) {
		a = argv[i];
		if (options && strcmp(a, "--") == 0) {
			options = 0;
			continue;
		}
		if (!options || strncmp(a, "--", 2) != 0) {
			if (*npos >= maxpos) {
				(void)snprintf(err, errlen,
				               "unexpected argument '%s'", a);
				return 0;
			}
			pos[(*npos)++] = a;
			continue;
		}
		eq = strchr(a + 2, '=');
		namelen = eq != NULL ? (size_t)(eq - (a + 2)) : strlen(a + 2);
		k = admin_args_find(names, nnames, a + 2, namelen);
		if (k < 0) {
			(void)snprintf(err, errlen, "unknown option '%.*s'",
			               (int)(namelen + 2), a);
			return 0;
		}
		if (vals[k] != NULL) {
			(void)snprintf(err, errlen,
			               "option '--%s' is given more than once",
			               names[k]);
			return 0;
		}
		if (eq != NULL) {
			val = eq + 1;
		} else if (i + 1 < argc) {
			val = argv[++i];
		} else {
			(void)snprintf(err, errlen,
			               "option '--%s' needs a value", names[k]);
			return 0;
		}
		vals[k] = val;
	}
	return 1;
}

int
admin_args_keyval(const char *arg, const char *const *names, size_t nnames,
                  const char **vals, char *err, size_t errlen)
{
	const char *eq = strchr(arg, '=');
	int         k;

	if (eq == NULL) {
		(void)snprintf(err, errlen,
		               "'%s' is not KEY=VALUE (use KEY= for an empty "
		               "value)",
		               arg);
		return 0;
	}
	k = admin_args_find(names, nnames, arg, (size_t)(eq - arg));
	if (k < 0) {
		(void)snprintf(err, errlen, "unknown key '%.*s'",
		               (int)(eq - arg), arg);
		return 0;
	}
	if (vals[k] != NULL) {
		(void)snprintf(err, errlen, "key '%s' is given more than once",
		               names[k]);
		return 0;
	}
	vals[k] = eq + 1;
	return 1;
}
