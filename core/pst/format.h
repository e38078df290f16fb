/* format.h: the sizes and constants of the Unicode PST file ([MS-PST] 2.2.2). */
#ifndef CCM_PST_FORMAT_H
#define CCM_PST_FORMAT_H

#include <stdint.h>
#include <string.h>

/* The file's layout. */
enum {
	PST_HEADER_SIZE = 564,
	PST_DLIST_IB = 0x4200,          /* the density list's page */
	PST_AMAP_FIRST = 0x4400,        /* the first AMap page; data starts here */
	PST_PAGE = 512,
	PST_PAGE_DATA = 496,            /* what a page holds before its trailer */
	PST_AMAP_SPAN = 496 * 8 * 64,   /* 253,952 bytes mapped by one AMap */
	PST_SLOT = 64,                  /* what one AMap bit stands for */
	PST_PMAP_EVERY = 8,             /* a PMap after every 8th AMap */
	PST_FMAP_FIRST = 128,           /* the header's rgbFM covers AMaps 0..127 */
	PST_FMAP_EVERY = 496,           /* then an FMap page for each 496 AMaps */
	PST_FPMAP_FIRST = 128 * 64,     /* the header's rgbFP covers 8192 AMaps */
	PST_FPMAP_EVERY = 496 * 64      /* then an FPMap page for each 31,744 */
};

/* Blocks ([MS-PST] 2.2.2.8). */
enum {
	PST_BLOCK_MAX = 8192,           /* a block with its trailer and padding */
	PST_BLOCK_TRAILER = 16,
	PST_BLOCK_DATA_MAX = 8176,      /* the data one block holds */
	PST_XBLOCK_MAX = (8176 - 8) / 8,        /* 1021 BIDs in an XBLOCK */
	PST_SLBLOCK_MAX = (8176 - 8) / 24,      /* 340 SLENTRYs */
	PST_SIBLOCK_MAX = (8176 - 8) / 16,      /* 510 SIENTRYs */
	PST_BTYPE_X = 0x01,
	PST_BTYPE_SUB = 0x02
};

/* Page types ([MS-PST] 2.2.2.7.1). */
enum {
	PST_PTYPE_BBT = 0x80,
	PST_PTYPE_NBT = 0x81,
	PST_PTYPE_FMAP = 0x82,
	PST_PTYPE_PMAP = 0x83,
	PST_PTYPE_AMAP = 0x84,
	PST_PTYPE_FPMAP = 0x85,
	PST_PTYPE_DL = 0x86
};

/* B-tree pages ([MS-PST] 2.2.2.7.7). */
enum {
	PST_BT_ENTRIES = 488,           /* bytes of entries in a BTPAGE */
	PST_BTENTRY = 24,               /* intermediate: key, BREF */
	PST_BBTENTRY = 24,              /* BBT leaf: BREF, cb, cRef, padding */
	PST_NBTENTRY = 32               /* NBT leaf: nid, bidData, bidSub, parent */
};

/* A BID's bits ([MS-PST] 2.2.2.2): bit 1 marks an internal block. */
#define PST_BID_INTERNAL 2u
#define PST_BID_STEP 4u

static inline void pst_put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static inline void pst_put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static inline void pst_put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static inline uint64_t pst_get64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static inline uint16_t pst_get16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

#endif
