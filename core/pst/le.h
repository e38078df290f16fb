/* le.h: little-endian integers in PST structures. */
#ifndef CCM_PST_LE_H
#define CCM_PST_LE_H

#include <stdint.h>

static inline void ccm_pst_put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void ccm_pst_put32(uint8_t *p, uint32_t v)
{
	ccm_pst_put16(p, v & 0xFFFF);
	ccm_pst_put16(p + 2, v >> 16);
}

static inline uint32_t ccm_pst_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

#endif
