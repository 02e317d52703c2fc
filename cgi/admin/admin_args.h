/*
 * admin_args.h: the admin tool's command-line splitting.  Pure functions
 * (no allocation, no output): they sort the words after a command into
 * positional arguments and declared options, and report a mistake as a
 * sentence the caller prints.
 */
#ifndef NETDEP_ADMIN_ARGS_H
#define NETDEP_ADMIN_ARGS_H

#include <stddef.h>

/*
 * Returns the index in names[0..n) of the name spelled by s[0..len), or
 * -1 when there is none.
 */
int admin_args_find(const char *const *names, size_t n, const char *s,
                    size_t len);

/*
 * Splits argv[0..argc) into options and positional arguments.  An option
 * is "--NAME VALUE" or "--NAME=VALUE" with NAME in names[0..nnames) (given
 * without the dashes); every option takes a value, which may be empty.
 * "--" ends the options.  vals[i] receives the value of names[i] or stays
 * NULL when it is not given (vals must have nnames entries, set to NULL by
 * the caller).  The positional arguments go to pos[0..maxpos), their count
 * to *npos.  Strings point into argv.
 *
 * Returns 1, or 0 with a sentence in err (unknown option, option given
 * twice, missing value, too many arguments).
 */
int admin_args_parse(int argc, char *const *argv, const char *const *names,
                     size_t nnames, const char **vals, const char **pos,
                     size_t maxpos, size_t *npos, char *err, size_t errlen);

/*
 * Splits "KEY=VALUE" with KEY in names[0..nnames): vals[index] receives
 * the VALUE (possibly empty).  Returns 1, or 0 with a sentence in err
 * (no '=', unknown key, key given twice).
 */
int admin_args_keyval(const char *arg, const char *const *names, size_t nnames,
                      const char **vals, char *err, size_t errlen);

#endif
