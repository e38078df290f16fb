/* gen_rng.c: the generator's seeded random numbers and per-message memory. */
#include "gen/gen_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

uint64_t ccm_gen_hash2(uint64_t a, uint64_t b)
{
	return ccm_gen_mix64(ccm_gen_mix64(a + CCM_GEN_GOLDEN) ^ (b * 0xd1b54a32d192ed03ULL + 1));
}

void ccm_gen_rng_seed(struct ccm_gen_rng *r, uint64_t seed)
{
	/* splitmix64 fills the state, as xoshiro's authors recommend. */
	for (int i = 0; i < 4; i++) {
		seed += CCM_GEN_GOLDEN;
		r->s[i] = ccm_gen_mix64(seed);
	}
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t ccm_gen_rng_next(struct ccm_gen_rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

uint64_t ccm_gen_rng_below(struct ccm_gen_rng *r, uint64_t n)
{
	/* Multiply-shift keeps it portable and free of modulo bias worth
	 * caring about at these ranges; exactness across platforms matters
	 * more than perfect uniformity. */
	unsigned __int128 m = (unsigned __int128)ccm_gen_rng_next(r) * n;
	return (uint64_t)(m >> 64);
}

long ccm_gen_rng_range(struct ccm_gen_rng *r, long lo, long hi)
{
	return lo + (long)ccm_gen_rng_below(r, (uint64_t)(hi - lo) + 1);
}

double ccm_gen_rng_unit(struct ccm_gen_rng *r)
{
	return (double)(ccm_gen_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

int ccm_gen_rng_chance(struct ccm_gen_rng *r, double p)
{
	return ccm_gen_rng_unit(r) < p;
}

/*
 * Integer arithmetic only (no log/exp from libm), so that a seed gives the
 * same bytes whatever the C library: pick a power-of-two band uniformly,
 * then a value within the band.
 */
uint64_t ccm_gen_rng_logu(struct ccm_gen_rng *r, uint64_t lo, uint64_t hi)
{
	uint64_t span, v;
	int bits = 0, b;

	if (hi <= lo)
		return lo;
	span = hi - lo;
	for (uint64_t s = span; s; s >>= 1)
		bits++;
	b = (int)ccm_gen_rng_below(r, (uint64_t)bits + 1);
	if (b == 0)
		return lo;
	v = (1ULL << (b - 1)) + ccm_gen_rng_below(r, 1ULL << (b - 1));
	if (v > span)
		v = ccm_gen_rng_below(r, span + 1);
	return lo + v;
}

double ccm_gen_rng_exp(struct ccm_gen_rng *r)
{
	/* ln 2 times (a geometric count of halvings plus a uniform part):
	 * close to Exp(1) (mean 1.04) and free of libm. */
	uint64_t x = ccm_gen_rng_next(r);
	int g = 0;

	while (g < 63 && !(x & 1)) {
		x >>= 1;
		g++;
	}
	return 0.6931471805599453 * ((double)g + ccm_gen_rng_unit(r));
}

/* ---- arena ---- */

struct ccm_gen_ablk {
	struct ccm_gen_ablk *next;
	size_t used, cap;
	max_align_t data[];
};

#define ABLK_SIZE (64 * 1024)
#define SCRATCH_SIZE (1024 * 1024)
static max_align_t scratch[SCRATCH_SIZE / sizeof(max_align_t)];

void *ccm_gen_alloc(struct ccm_gen_arena *a, size_t n)
{
	struct ccm_gen_ablk *b = a->head;
	size_t need;
	char *p;

	/* Rounding up must not wrap around to a small size. */
	if (n > PTRDIFF_MAX - sizeof(max_align_t))
		abort();
	need = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);

	if (need == 0)
		need = sizeof(max_align_t);
	if (!b || b->cap - b->used < need) {
		size_t cap = need > ABLK_SIZE / 2 ? need : ABLK_SIZE;

		b = malloc(sizeof(*b) + cap);
		if (!b) {
			/* Scratch keeps callers simple; the result is
			 * thrown away because oom is checked at the end. */
			a->oom = 1;
			if (n > sizeof(scratch))
				abort();
			memset(scratch, 0, n);
			return scratch;
		}
		b->used = 0;
		b->cap = cap;
		if (a->head && need > ABLK_SIZE / 2) {
			/* A big block goes behind the current one so the
			 * current one's free space is not wasted. */
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	p = (char *)b->data + b->used;
	b->used += need;
	memset(p, 0, n);
	return p;
}

char *ccm_gen_memdup(struct ccm_gen_arena *a, const void *p, size_t n)
{
	char *s = ccm_gen_alloc(a, n + 1);

	if (n)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

char *ccm_gen_strdup(struct ccm_gen_arena *a, const char *s)
{
	return ccm_gen_memdup(a, s, strlen(s));
}

char *ccm_gen_printf(struct ccm_gen_arena *a, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	int n;
	char *s;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	s = ccm_gen_alloc(a, (size_t)n + 1);
	if ((size_t)n < sizeof(small)) {
		memcpy(s, small, (size_t)n + 1);
	} else {
		va_start(ap, fmt);
		vsnprintf(s, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	return s;
}

void ccm_gen_arena_release(struct ccm_gen_arena *a)
{
	struct ccm_gen_ablk *b = a->head, *n;

	while (b) {
		n = b->next;
		free(b);
		b = n;
	}
	a->head = NULL;
	a->oom = 0;
}
