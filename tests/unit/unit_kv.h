/*
 * unit_kv.h: renders parsed key/value pairs (kv.h) for the parser tables
 * of test_cookie.c and test_form.c: "[k]=[v]" per pair, no separators.
 */
#ifndef NETDEP_UNIT_KV_H
#define NETDEP_UNIT_KV_H

#include <stddef.h>
#include <stdio.h>

#include "kv.h"

static void unit_render_kv(const struct kv *kv, size_t n, char *buf,
                           size_t size) __attribute__((unused));

static void
unit_render_kv(const struct kv *kv, size_t n, char *buf, size_t size)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && off < size; i++) {
		int w = snprintf(buf + off, size - off, "[%s]=[%s]", kv[i].key,
		                 kv[i].val);

		if (w < 0)
			return;
		off += (size_t)w;
	}
}

#endif
