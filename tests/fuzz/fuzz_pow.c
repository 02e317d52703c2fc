/*
 * fuzz_pow.c: libFuzzer target for the proof-of-work payload parser
 * (pow_verify: base64, then JSON, then the salt's shape).  Nothing a
 * client sends may crash it, and without the key nothing verifies.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "pow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char key[POW_KEY_BYTES] = {1, 2, 3};
	struct pow_proof           proof;

	if (pow_verify(key, (const char *)data, size, 100000, 1800000000LL,
	               &proof) == 0)
		abort(); /* a forged signature verified */
	return 0;
}
