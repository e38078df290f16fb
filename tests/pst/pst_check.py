#!/usr/bin/env python3
"""pst_check.py: checks the node database of a Unicode PST file against the
invariants of [MS-PST] 2.2 that readers forgive, reading the file on its own
(none of ccmig's code).

It checks the header (magic, versions, both CRCs, sentinel, the deprecated
maps all ones, the root's end of file, last AMap and free bytes); every
page's trailer (ptype twice, wSig, CRC, BID) and every block's (cb, wSig,
CRC, BID); the node and block B-trees (keys in order, levels that step down
by one, a parent's key the first of its child, entries within cEntMax,
pages at least half full but the root); that every BBT entry's block is at
its offset with its size; the XBLOCK, XXBLOCK, SLBLOCK and SIBLOCK trees;
that the AMap bits are exactly the bytes that pages and blocks take, and
cbAMapFree their free bytes; the PMap, FMap and FPMap pages where [MS-PST]
puts them, and the FMap's longest free runs; the density list; that each
block's cRef is one more than the references to it (the BBT's own, as
Outlook counts); that nothing overlaps; that the file is as long as the
header says; and that the name-to-id map (NID 0x61, [MS-PST] 2.4.7), when the node
holds a property context, is whole: its bucket count, a NAMEID a named property in the entry stream,
each one's wPropIdx its place, its GUID index in the GUID stream, a
string's offset at a 4-byte boundary of the string stream with its name
inside it, the strings packed one after another, and every bucket
0x1000.. holding exactly the NAMEIDs whose hash falls in it (a number's
LID, a string's CRC-32, XOR the GUID index shifted and the kind bit).

Each breach is printed with its file offset; the exit status is 1 when
there is any, 0 when none (with a one-line summary), 2 when the file cannot
be read. Given several files it checks each (one process for many files
is faster than one per file) and exits with the worst of their statuses.

With --extract NID[/SUBNID] OUT it also writes the data of a node (or of
one of its subnodes), its blocks joined, to OUT, for tests that compare it
with what was written.

Usage: pst_check.py FILE... | pst_check.py [--extract NID[/SUBNID] OUT]... FILE
"""
import mmap
import re
import struct
import sys
import zlib

AMAP_FIRST, SPAN, PAGE, SLOT = 0x4400, 253952, 512, 64
DLIST_IB = 0x4200
PT_BBT, PT_NBT, PT_FMAP, PT_PMAP, PT_AMAP, PT_FPMAP, PT_DL = range(0x80, 0x87)


def crc(data):
    """[MS-PST] 5.3: CRC-32, reflected 0xEDB88320, from 0, no final
    inversion: zlib's crc32 started from all ones and inverted again."""
    return zlib.crc32(data, 0xFFFFFFFF) ^ 0xFFFFFFFF


def crc_spec(data):
    """The same, bit by bit as the specification's algorithm works, for
    checking the fast form above."""
    c = 0
    for b in data:
        c ^= b
        for _ in range(8):
            c = (c >> 1) ^ 0xEDB88320 if c & 1 else c >> 1
    return c


def name_map_breaches(props):
    """What is wrong with a name-to-id map given as {prop id: (type, bytes)}."""
    out = []
    for pid, ptype in ((1, 3), (2, 0x102), (3, 0x102), (4, 0x102)):
        if props.get(pid, (None,))[0] != ptype:
            return [f"no property 0x{pid:04X} of type 0x{ptype:04X}"]
    buckets = struct.unpack("<I", props[1][1])[0]
    guids, entries, strings = props[2][1], props[3][1], props[4][1]
    if not buckets:
        return ["a bucket count of 0"]
    if len(guids) % 16 or len(entries) % 8:
        return [f"GUID stream of {len(guids)} bytes, entry stream of {len(entries)}"]
    # The strings, packed: a 4-byte count, the name, padding to 4.
    starts, at = set(), 0
    while at < len(strings):
        n = struct.unpack_from("<I", strings, at)[0] if at + 4 <= len(strings) else None
        if n is None or n % 2 or at + 4 + n > len(strings):
            out.append(f"string stream: the name at {at} runs past its end")
            break
        starts.add(at)
        at += 4 + n + (-n) % 4
    want = {}
    for k in range(len(entries) // 8):
        pid, gk, idx = struct.unpack_from("<IHH", entries, 8 * k)
        if idx != k:
            out.append(f"NAMEID {k}: wPropIdx {idx}")
        if not 1 <= gk >> 1 < 3 + len(guids) // 16:
            out.append(f"NAMEID {k}: GUID index {gk >> 1} is outside the GUID stream")
        h = pid
        if gk & 1:
            if pid not in starts:
                out.append(f"NAMEID {k}: string offset {pid} is not the start of a name")
                continue
            n = struct.unpack_from("<I", strings, pid)[0]
            h = crc(strings[pid + 4:pid + 4 + n])
        want.setdefault((h ^ gk) % buckets, []).append(struct.pack("<IHH", h, gk, idx))
    for b in range(buckets):
        got = props.get(0x1000 + b, (0x102, b""))[1]
        got = [got[i:i + 8] for i in range(0, len(got), 8)]
        if sorted(got) != sorted(want.get(b, [])):
            out.append(f"bucket 0x{0x1000 + b:04X} holds {len(got)} NAMEIDs, not the "
                       f"{len(want.get(b, []))} that hash there")
    for pid in props:
        if 4 < pid < 0x1000 or 0x1000 + buckets <= pid:
            out.append(f"property 0x{pid:04X} is neither a stream nor a bucket")
    return out


def sig(ib, bid):
    """[MS-PST] 5.5 on the low 32 bits of each."""
    v = (ib ^ bid) & 0xFFFFFFFF
    return ((v >> 16) ^ v) & 0xFFFF


def region_pages(k):
    """The map pages that open AMap region k: (ptype, offset in region)."""
    pages = [(PT_AMAP, 0)]
    if k % 8 == 0:
        pages.append((PT_PMAP, PAGE))
    if k >= 128 and (k - 128) % 496 == 0:
        pages.append((PT_FMAP, 2 * PAGE))
    elif k >= 8192 and (k - 8192) % (496 * 64) == 0:
        pages.append((PT_FPMAP, 2 * PAGE))
    return pages


class Checker:
    def __init__(self, path):
        self.path = path
        f = open(path, "rb")
        self.size = f.seek(0, 2)
        self.d = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if self.size else b""
        self.breaches = []
        self.used = []          # (start, end, what)
        self.blocks = {}        # bid -> (ib, cb, cref)
        self.refs = {}          # bid -> references counted
        self.nodes = []
        self.node_bids = {}     # nid -> (bidData, bidSub)
        self.max_page_bid = 0

    def bad(self, ib, msg):
        self.breaches.append((ib, msg))

    def u64(self, o):
        return struct.unpack_from("<Q", self.d, o)[0]

    # -- header ---------------------------------------------------------
    def header(self):
        d = self.d
        if self.size < 564:
            self.bad(0, f"file of {self.size} bytes is shorter than a header")
            return False
        if d[0:4] != b"!BDN":
            self.bad(0, f"dwMagic is {d[0:4]!r}, not '!BDN'")
        if d[8:10] != b"SM":
            self.bad(8, f"wMagicClient is {d[8:10]!r}, not 'SM'")
        ver, verc = struct.unpack_from("<HH", d, 10)
        if ver not in (23, 36):
            self.bad(10, f"wVer is {ver}, not a Unicode file (23)")
            return False
        if verc != 19:
            self.bad(12, f"wVerClient is {verc}, not 19")
        if struct.unpack_from("<I", d, 4)[0] != crc(d[8:8 + 471]):
            self.bad(4, "dwCRCPartial does not match the header")
        if struct.unpack_from("<I", d, 524)[0] != crc(d[8:8 + 516]):
            self.bad(524, "dwCRCFull does not match the header")
        if d[512] != 0x80:
            self.bad(512, f"bSentinel is 0x{d[512]:02x}, not 0x80")
        self.crypt = d[513]
        if self.crypt not in (0, 1, 2):
            self.bad(513, f"bCryptMethod 0x{self.crypt:02x} is none of [MS-PST]'s")
        if any(b != 0xFF for b in d[256:512]):
            self.bad(256, "rgbFM/rgbFP (deprecated) are not all 0xFF")
        self.next_p = self.u64(32)
        self.rgnid = struct.unpack_from("<32I", d, 44)
        (self.eof, self.amap_last, self.amap_free, _pfree, self.nbt_bid, self.nbt_ib,
         self.bbt_bid, self.bbt_ib) = struct.unpack_from("<8Q", d, 184)
        if d[248] != 0x02:
            self.bad(248, f"fAMapValid is 0x{d[248]:02x}, not VALID_AMAP2")
        self.next_b = self.u64(516)
        if self.eof != self.size:
            self.bad(184, f"ibFileEof is {self.eof}, the file has {self.size} bytes")
        return True

    # -- pages ----------------------------------------------------------
    def page(self, ib, ptype, bid=None, what="page"):
        """Checks a page's trailer; returns its 512 bytes, or None."""
        if ib % PAGE or ib < AMAP_FIRST and ib != DLIST_IB or ib + PAGE > self.size:
            self.bad(ib, f"{what} at a bad offset")
            return None
        p = self.d[ib:ib + PAGE]
        pt, pt2, wsig, dcrc, pbid = struct.unpack_from("<BBHIQ", p, 496)
        if pt != ptype or pt2 != ptype:
            self.bad(ib + 496, f"{what}: ptype 0x{pt:02x}/0x{pt2:02x}, not 0x{ptype:02x}")
        want = sig(ib, pbid) if ptype in (PT_BBT, PT_NBT, PT_DL) else 0
        if wsig != want:
            self.bad(ib + 498, f"{what}: wSig 0x{wsig:04x}, not 0x{want:04x}")
        if dcrc != crc(p[:496]):
            self.bad(ib + 500, f"{what}: dwCRC does not match its data")
        if bid is not None and pbid != bid:
            self.bad(ib + 504, f"{what}: bid 0x{pbid:x}, not 0x{bid:x}")
        self.used.append((ib, ib + PAGE, what))
        return p

    def btree(self, ptype, bid, ib, level=None, lo=None, hi=None, root=True, out=None):
        name = "NBT" if ptype == PT_NBT else "BBT"
        p = self.page(ib, ptype, bid, f"{name} page 0x{bid:x}")
        if p is None:
            return
        self.max_page_bid = max(self.max_page_bid, bid)
        n, nmax, cb, lvl = p[488:492]
        if level is not None and lvl != level:
            self.bad(ib + 491, f"{name} page 0x{bid:x}: cLevel {lvl}, its parent "
                     f"wants {level}")
        want_cb = 24 if lvl else (32 if ptype == PT_NBT else 24)
        if cb != want_cb or nmax != 488 // want_cb:
            self.bad(ib + 489, f"{name} page 0x{bid:x}: cbEnt {cb}, cEntMax {nmax}, "
                     f"not {want_cb}, {488 // want_cb}")
            return
        if n > nmax:
            self.bad(ib + 488, f"{name} page 0x{bid:x}: cEnt {n} over cEntMax {nmax}")
            return
        if root and lvl and n < 2:
            self.bad(ib + 488, f"{name} root page 0x{bid:x} has {n} entries")
        if not root and n < nmax // 2:
            self.bad(ib + 488, f"{name} page 0x{bid:x} has {n} of {nmax} entries, "
                     "less than half full")
        keys = [self.u64(ib + i * cb) for i in range(n)]
        for i in range(n):
            k = keys[i]
            if i and k <= keys[i - 1]:
                self.bad(ib + i * cb, f"{name} page 0x{bid:x}: key 0x{k:x} not above "
                         f"0x{keys[i - 1]:x}")
            if (lo is not None and k < lo) or (hi is not None and k >= hi):
                self.bad(ib + i * cb, f"{name} page 0x{bid:x}: key 0x{k:x} outside "
                         "its parent's range")
        if lo is not None and n and keys[0] != lo:
            self.bad(ib, f"{name} page 0x{bid:x}: first key 0x{keys[0]:x} is not its "
                     f"parent's 0x{lo:x}")
        for i in range(n):
            e = ib + i * cb
            if lvl:
                _, cbid, cib = struct.unpack_from("<QQQ", self.d, e)
                nxt = keys[i + 1] if i + 1 < n else hi
                self.btree(ptype, cbid, cib, lvl - 1, keys[i], nxt, False, out)
            else:
                out.append(e)

    # -- blocks ---------------------------------------------------------
    def block(self, e):
        bid, ib, cb, cref = struct.unpack_from("<QQHH", self.d, e)
        size = (cb + 16 + 63) // 64 * 64
        where = f"block 0x{bid:x}"
        if bid & 1:
            self.bad(e, f"{where}: bit 0 of its BID is set")
        if bid in self.blocks:
            self.bad(e, f"{where} is in the BBT twice")
        if ib % 64 or ib < AMAP_FIRST or ib + size > self.size or size > 8192:
            self.bad(e + 8, f"{where} at {ib} of {cb} bytes is not where a block can be")
            return
        self.blocks[bid] = (ib, cb, cref)
        self.used.append((ib, ib + size, where))
        t = ib + size - 16
        tcb, tsig, tcrc, tbid = struct.unpack_from("<HHIQ", self.d, t)
        if tcb != cb:
            self.bad(t, f"{where}: trailer cb {tcb}, the BBT says {cb}")
        if tsig != sig(ib, bid):
            self.bad(t + 2, f"{where}: wSig 0x{tsig:04x}, not 0x{sig(ib, bid):04x}")
        if tcrc != crc(self.d[ib:ib + cb]):
            self.bad(t + 4, f"{where}: dwCRC does not match its data")
        if tbid != bid:
            self.bad(t + 8, f"{where}: trailer bid 0x{tbid:x}")

    def data(self, bid):
        ib, cb, _ = self.blocks[bid]
        return self.d[ib:ib + cb]

    def ref(self, bid, at, want=None):
        """Counts a reference to bid; want: 'data', 'x1', 'sub', 'sl'."""
        if bid not in self.blocks:
            self.bad(at, f"reference to block 0x{bid:x}, which the BBT does not have")
            return
        self.refs[bid] = self.refs.get(bid, 0) + 1
        b = self.data(bid)
        internal = bool(bid & 2)
        kind = None
        if internal and len(b) >= 8:
            kind = {(1, 1): "x1", (1, 2): "x2", (2, 0): "sl", (2, 1): "si"}.get((b[0], b[1]))
        ok = {"data": not internal or kind in ("x1", "x2"), "x1": kind == "x1",
              "leaf": not internal, "sub": kind in ("sl", "si"), "sl": kind == "sl"}
        if want and not ok[want]:
            self.bad(at, f"block 0x{bid:x} referred to as {want} is {kind or 'a data block'}")

    def internal(self, bid):
        """The references an internal block's entries make."""
        ib, cb, _ = self.blocks[bid]
        b = self.data(bid)
        if len(b) < 8:
            self.bad(ib, f"internal block 0x{bid:x} of {cb} bytes")
            return
        n = struct.unpack_from("<H", b, 2)[0]
        if b[0] == 1 and b[1] in (1, 2):
            total = struct.unpack_from("<I", b, 4)[0]
            if cb != 8 + 8 * n or n > 1021:
                self.bad(ib, f"XBLOCK 0x{bid:x}: {n} entries in {cb} bytes")
                return
            got = 0
            for i in range(n):
                c = struct.unpack_from("<Q", b, 8 + 8 * i)[0]
                self.ref(c, ib + 8 + 8 * i, "leaf" if b[1] == 1 else "x1")
                if c in self.blocks:
                    got += (self.blocks[c][1] if b[1] == 1 else
                            struct.unpack_from("<I", self.data(c), 4)[0])
            if got != total:
                self.bad(ib + 4, f"X{'X' if b[1] == 2 else ''}BLOCK 0x{bid:x}: lcbTotal "
                         f"{total}, its blocks hold {got}")
        elif b[0] == 2 and b[1] in (0, 1):
            es = 24 if b[1] == 0 else 16
            if cb != 8 + es * n:
                self.bad(ib, f"S{'L' if es == 24 else 'I'}BLOCK 0x{bid:x}: {n} entries "
                         f"in {cb} bytes")
                return
            prev = None
            for i in range(n):
                o = 8 + es * i
                nid = struct.unpack_from("<Q", b, o)[0]
                if prev is not None and nid <= prev:
                    self.bad(ib + o, f"subnode block 0x{bid:x}: nid 0x{nid:x} not above "
                             f"0x{prev:x}")
                prev = nid
                if es == 24:
                    dbid, sbid = struct.unpack_from("<QQ", b, o + 8)
                    if dbid:
                        self.ref(dbid, ib + o + 8, "data")
                    if sbid:
                        self.ref(sbid, ib + o + 16, "sub")
                else:
                    c = struct.unpack_from("<Q", b, o + 8)[0]
                    self.ref(c, ib + o + 8, "sl")
                    if c in self.blocks and self.blocks[c][1] >= 16 and \
                            struct.unpack_from("<Q", self.data(c), 8)[0] != nid:
                        self.bad(ib + o, f"SIBLOCK 0x{bid:x}: key 0x{nid:x} is not its "
                                 "SLBLOCK's first nid")
        else:
            self.bad(ib, f"internal block 0x{bid:x} has btype {b[0]}, cLevel {b[1]}")

    # -- maps -----------------------------------------------------------
    def maps(self):
        if self.eof < AMAP_FIRST + SPAN:
            self.bad(184, "the file ends before its first AMap region")
            return
        regions = (self.eof - AMAP_FIRST + SPAN - 1) // SPAN
        if (self.eof - AMAP_FIRST) % SPAN:
            self.bad(184, "ibFileEof is not the end of an AMap region")
        if self.amap_last != AMAP_FIRST + (regions - 1) * SPAN:
            self.bad(192, f"ibAMapLast is {self.amap_last}, the last AMap is at "
                     f"{AMAP_FIRST + (regions - 1) * SPAN}")
        amaps = []
        for k in range(regions):
            r = AMAP_FIRST + k * SPAN
            for pt, off in region_pages(k):
                p = self.page(r + off, pt, r + off, f"map page 0x{pt:02x} of region {k}")
                if p is None:
                    continue
                if pt == PT_AMAP:
                    amaps.append((k, p[:496]))
                elif pt in (PT_PMAP, PT_FPMAP) and p[:496] != b"\xff" * 496:
                    self.bad(r + off, f"{'P' if pt == PT_PMAP else 'FP'}Map of region {k} "
                             "is not all ones")
        # What pages and blocks take, slot by slot.
        want = bytearray(regions * 496)
        for start, end, _ in self.used:
            if start < AMAP_FIRST:
                continue
            a, b = (start - AMAP_FIRST) // SLOT, (end - AMAP_FIRST + SLOT - 1) // SLOT
            while a < b and a % 8:
                want[a // 8] |= 0x80 >> (a % 8)
                a += 1
            while b > a and b % 8:
                b -= 1
                want[b // 8] |= 0x80 >> (b % 8)
            want[a // 8:b // 8] = b"\xff" * (b // 8 - a // 8)
        free_total, runs = 0, {}
        for k, bits in amaps:
            exp = bytes(want[k * 496:(k + 1) * 496])
            if bits != exp:
                i = next(i for i in range(496) if bits[i] != exp[i])
                self.bad(AMAP_FIRST + k * SPAN + i,
                         f"AMap of region {k}: byte {i} is 0x{bits[i]:02x}, what is used "
                         f"there makes 0x{exp[i]:02x} (bytes {AMAP_FIRST + k * SPAN + i * 512}"
                         f"..{AMAP_FIRST + k * SPAN + i * 512 + 511})")
            s = bin(int.from_bytes(bits, "big"))[2:].zfill(496 * 8)
            free_total += s.count("0") * SLOT
            runs[k] = (s.count("0"), max((len(m) for m in re.findall("0+", s)), default=0))
        if free_total != self.amap_free:
            self.bad(200, f"cbAMapFree is {self.amap_free}, the AMaps have {free_total} "
                     "bytes free")
        for k in range(128, regions, 496):
            ib = AMAP_FIRST + k * SPAN + 2 * PAGE
            fm = self.d[ib:ib + 496]
            for i in range(496):
                w = min(runs[k + i][1], 255) if k + i in runs else 0
                if fm[i] != w:
                    self.bad(ib + i, f"FMap entry of AMap {k + i} is {fm[i]}, its longest "
                             f"free run is {w}")
                    break
        # The density list.
        p = self.page(DLIST_IB, PT_DL, None, "density list")
        if p is not None:
            n = p[1]
            if n > 119:
                self.bad(DLIST_IB + 1, f"density list has {n} entries")
                n = 0
            prev = None
            for i in range(n):
                v = struct.unpack_from("<I", p, 8 + 4 * i)[0]
                pg, slots = v & 0xFFFFF, v >> 20
                if pg not in runs or runs[pg][0] != slots:
                    self.bad(DLIST_IB + 8 + 4 * i, f"density list: AMap {pg} with "
                             f"{slots} free slots, it has "
                             f"{runs[pg][0] if pg in runs else 'no such AMap'}")
                if prev is not None and slots > prev:
                    self.bad(DLIST_IB + 8 + 4 * i, "density list not in order of free space")
                prev = slots
            if struct.unpack_from("<Q", p, 504)[0] > self.next_p:
                self.bad(DLIST_IB + 504, "density list's bid is past bidNextP")

    def overlaps(self):
        last_end, last_what = 0, None
        for start, end, what in sorted(self.used):
            if start < last_end:
                self.bad(start, f"{what} overlaps {last_what}")
            if end > last_end:
                last_end, last_what = end, what

    # -- all ------------------------------------------------------------
    def run(self):
        if not self.header():
            return
        leaves = []
        self.btree(PT_NBT, self.nbt_bid, self.nbt_ib, out=leaves)
        nbt = leaves
        leaves = []
        self.btree(PT_BBT, self.bbt_bid, self.bbt_ib, out=leaves)
        for e in leaves:
            self.block(e)
        for e in nbt:
            nid, dbid, sbid, parent = struct.unpack_from("<QQQI", self.d, e)
            self.nodes.append(nid)
            self.node_bids[nid] = (dbid, sbid)
            if nid > 0xFFFFFFFF:
                self.bad(e, f"nid 0x{nid:x} has more than 32 bits")
            elif self.rgnid[nid & 0x1F] < nid >> 5:
                self.bad(44 + 4 * (nid & 0x1F), f"rgnid[{nid & 0x1F}] is "
                         f"0x{self.rgnid[nid & 0x1F]:x}, node 0x{nid:x} has index "
                         f"0x{nid >> 5:x}")
            if dbid:
                self.ref(dbid, e + 8, "data")
            if sbid:
                self.ref(sbid, e + 16, "sub")
        for bid in sorted(self.blocks):
            if bid & 2:
                self.internal(bid)
        for bid, (ib, cb, cref) in sorted(self.blocks.items()):
            n = self.refs.get(bid, 0)
            if cref != n + 1:
                self.bad(ib, f"block 0x{bid:x}: cRef {cref}, it has {n} references "
                         f"(so {n + 1})")
            if bid >= self.next_b:
                self.bad(516, f"bidNextB 0x{self.next_b:x} is not above block 0x{bid:x}")
        if self.max_page_bid >= self.next_p:
            self.bad(32, f"bidNextP 0x{self.next_p:x} is not above page 0x{self.max_page_bid:x}")
        self.maps()
        self.overlaps()
        if not self.breaches:
            self.name_map()

    # -- the name-to-id map ---------------------------------------------
    def leaves(self, bid):
        """A data tree's blocks in order."""
        b = bytes(self.data(bid))
        if not bid & 2:
            return [b]
        n = struct.unpack_from("<H", b, 2)[0]
        return [x for i in range(n)
                for x in self.leaves(struct.unpack_from("<Q", b, 8 + 8 * i)[0])]

    def name_map_props(self):
        """{prop id: (type, bytes)} of NID 0x61, read with ltp_read."""
        import ltp_read
        dbid, sbid = self.node_bids[0x61]
        subs = {}
        if sbid:
            b = self.data(sbid)
            for i in range(struct.unpack_from("<H", b, 2)[0]):
                nid, sdbid, _ = struct.unpack_from("<QQQ", b, 8 + 24 * i)
                subs[nid] = self.leaves(sdbid)
        node = ltp_read.Node(self.leaves(dbid), subs, 0xBC)
        return {k: (t, bytes.fromhex(v.partition(":")[2]))
                for k, (t, v) in ltp_read.pc_values(node).items()}

    def name_map(self):
        import ltp_read
        dbid = self.node_bids.get(0x61, (0, 0))[0]
        first = self.leaves(dbid)[0] if dbid in self.blocks else b""
        if first[2:4] != b"\xEC\xBC":
            return      # not a property context: nodes only, as the NDB's tests write
        try:
            props = self.name_map_props()
        except ltp_read.Bad as e:
            self.bad(0, f"name-to-id map: {e}")
            return
        for msg in name_map_breaches(props):
            self.bad(0, "name-to-id map (NID 0x61): " + msg)

    # -- reading data back ---------------------------------------------
    def joined(self, bid):
        """A data tree's bytes, its blocks joined."""
        b = self.data(bid)
        if not bid & 2:
            return bytes(b)
        n = struct.unpack_from("<H", b, 2)[0]
        return b"".join(self.joined(struct.unpack_from("<Q", b, 8 + 8 * i)[0])
                        for i in range(n))

    def subnode(self, bid, nid):
        b = self.data(bid)
        n = struct.unpack_from("<H", b, 2)[0]
        for i in range(n):
            if b[1] == 0:
                snid, dbid, _ = struct.unpack_from("<QQQ", b, 8 + 24 * i)
                if snid == nid:
                    return dbid
            else:
                snid, child = struct.unpack_from("<QQ", b, 8 + 16 * i)
                nxt = struct.unpack_from("<Q", b, 8 + 16 * (i + 1))[0] if i + 1 < n else None
                if snid <= nid and (nxt is None or nid < nxt):
                    return self.subnode(child, nid)
        raise KeyError(f"no subnode 0x{nid:x}")

    def extract(self, spec):
        nid, _, sub = spec.partition("/")
        dbid, sbid = self.node_bids[int(nid, 0)]
        if sub:
            dbid = self.subnode(sbid, int(sub, 0))
        return self.joined(dbid) if dbid else b""


def check(path, extracts):
    """Checks one file: 0 sound, 1 breaches (or an extract that fails), 2
    unreadable; prints what it found."""
    try:
        c = Checker(path)
        c.run()
    except (OSError, ValueError) as e:
        print(f"pst_check: cannot read {path}: {e}", file=sys.stderr)
        return 2
    for ib, msg in sorted(c.breaches, key=lambda b: b[0]):
        print(f"{path}: at byte {ib}: {msg}")
    if c.breaches:
        return 1
    for spec, out in extracts:
        try:
            data = c.extract(spec)
        except KeyError as e:
            print(f"pst_check: {path}: cannot extract {spec}: {e}", file=sys.stderr)
            return 1
        with open(out, "wb") as f:
            f.write(data)
    print(f"pst_check: {path}: ok: {len(c.nodes)} nodes, {len(c.blocks)} blocks, "
          f"{c.eof} bytes")
    return 0


def main():
    args, extracts = sys.argv[1:], []
    while len(args) > 2 and args[0] == "--extract":
        extracts.append((args[1], args[2]))
        args = args[3:]
    if not args or (extracts and len(args) != 1):
        sys.exit("usage: " + __doc__.split("Usage: ")[1].strip())
    for v in (b"", b"123456789", bytes(range(256))):
        assert crc(v) == crc_spec(v)
    # Many files in one process: the worst status of them all.
    sys.exit(max(check(path, extracts) for path in args))


if __name__ == "__main__":
    main()
