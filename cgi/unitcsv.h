/*
 * unitcsv.h: reads a unit CSV file for `netdep-admin unit import` and the
 * web admin's upload (issue 15): UTF-8 with or without the byte-order
 * mark Excel writes, comma- or semicolon-separated (a Vietnamese Excel
 * saves ";"), RFC 4180 quotes (a quoted cell may span lines), CRLF or LF.
 * The first line names the columns, in any order: code, name, kind
 * (required), short_name, parent, valid_from, valid_to, successors,
 * members, members_as_of.  What a cell means is checked by unit_import()
 * in SQL; this checks the file's shape, line by line.
 */
#ifndef NETDEP_UNITCSV_H
#define NETDEP_UNITCSV_H

#include <stddef.h>

#include <jansson.h>

/* Bad lines reported at most (the rest are counted, not listed). */
#define UNITCSV_MAX_ERRORS 200
/* Longest cell, in bytes. */
#define UNITCSV_MAX_CELL 2000

/*
 * Parses buf[0..len): *rows (a new reference) is a JSON array of objects
 * {"line": N, "code": ..., ...} for unit_import(), one per non-empty
 * data line; *errors (a new reference) an array of {"line", "message"}
 * (Vietnamese), empty when the file's shape is right.  Returns 0, or -1
 * when out of memory (nothing to free then).
 */
int unitcsv_parse(const char *buf, size_t len, json_t **rows, json_t **errors);

#endif
