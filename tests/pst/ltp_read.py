#!/usr/bin/env python3
"""ltp_read.py: reads one PST node's heap and subnodes back, independently of
ccmig's writer, checks every structure [MS-PST] 2.3 lays down, and prints
what the node holds.

The node is a folder of files:
  page-NNNN.bin              the heap's pages in order (the node's data blocks)
  sub-XXXXXXXX-NNNN.bin      block NNNN of the subnode whose NID is XXXXXXXX

Usage: ltp_read.py pc|tc FOLDER

Prints, for a property context, one line per property in the BTH's order:
  prop IIII TTTT KIND:HEX
and for a table context, for each row of the row matrix in order:
  row ROWID
  cell TAG KIND:HEX            (the cells that exist, by tag)
where KIND says where the value was found: inline (in the PC record), row
(in the row), heap (an allocation), sub (a subnode of the folder), empty
(HNID 0); a value in a subnode that is not in the folder prints as
nid:XXXXXXXX, a PtypObject as object:NID:SIZE. Lines starting with '#'
describe the layout (pages, B-tree levels, where the rows are).

Exits 1 with a message on the first thing that breaks the format.
"""
import glob
import os
import struct
import sys

BLOCK_MAX = 8176
ALLOC_MAX = 3580
FILL_FLOORS = (3584, 2560, 2048, 1792, 1536, 1280, 1024, 768, 512, 256,
               128, 64, 32, 16, 8)
FIXED = {0x0002: 2, 0x0003: 4, 0x0004: 4, 0x0005: 8, 0x0006: 8, 0x0007: 8,
         0x000A: 4, 0x000B: 1, 0x0014: 8, 0x0040: 8, 0x0048: 16}
ROW_ID, ROW_VER = 0x67F20003, 0x67F30003


class Bad(Exception):
    pass


def need(cond, what):
    if not cond:
        raise Bad(what)


def fill_level(size):
    free = BLOCK_MAX - size
    for level, floor in enumerate(FILL_FLOORS):
        if free >= floor:
            return level
    return 15


def nibbles(raw, count):
    return [(raw[k // 2] >> (4 * (k % 2))) & 0xF for k in range(count)]


class Heap:
    """The pages of a heap-on-node, each page's allocations checked."""

    def __init__(self, pages, client_sig):
        need(pages, "no heap pages")
        self.pages = pages
        self.allocs = []
        for i, p in enumerate(pages):
            need(len(p) <= BLOCK_MAX, f"page {i} has {len(p)} bytes")
            self.allocs.append(self.read_page(i, p))
        hdr = pages[0]
        need(hdr[2] == 0xEC, "HNHDR bSig is not 0xEC")
        need(hdr[3] == client_sig, f"bClientSig 0x{hdr[3]:02X}, not 0x{client_sig:02X}")
        self.user_root = struct.unpack_from("<I", hdr, 4)[0]
        levels = [fill_level(len(p)) for p in pages]
        got = nibbles(hdr[8:12], 8)
        want = (levels[:8] + [0] * 8)[:8]
        need(got == want, f"HNHDR fill levels {got}, not {want}")
        for i in range(8, len(pages), 128):
            got = nibbles(pages[i][2:66], 128)
            want = (levels[i:i + 128] + [0] * 128)[:128]
            need(got == want, f"HNBITMAPHDR of page {i}: fill levels wrong")

    @staticmethod
    def header_size(i):
        if i == 0:
            return 12
        return 66 if i >= 8 and (i - 8) % 128 == 0 else 2

    def read_page(self, i, p):
        ib = struct.unpack_from("<H", p, 0)[0]
        need(ib % 2 == 0 and ib + 4 <= len(p), f"page {i}: ibHnpm {ib}")
        c_alloc, c_free = struct.unpack_from("<HH", p, ib)
        need(c_free == 0, f"page {i}: cFree {c_free}")
        need(len(p) == ib + 4 + 2 * (c_alloc + 1),
             f"page {i}: {len(p)} bytes, but its map ends at "
             f"{ib + 4 + 2 * (c_alloc + 1)}")
        offs = struct.unpack_from(f"<{c_alloc + 1}H", p, ib + 4)
        need(offs[0] == self.header_size(i),
             f"page {i}: first allocation at {offs[0]}, header is "
             f"{self.header_size(i)} bytes")
        need(offs[-1] <= ib <= offs[-1] + 1,
             f"page {i}: allocations end at {offs[-1]}, map at {ib}")
        allocs = []
        for k in range(c_alloc):
            size = offs[k + 1] - offs[k]
            need(1 <= size <= ALLOC_MAX, f"page {i} allocation {k + 1}: {size} bytes")
            allocs.append(p[offs[k]:offs[k + 1]])
        return allocs

    def get(self, hid):
        need(hid & 0x1F == 0 and hid != 0, f"0x{hid:X} is not an HID")
        page, index = hid >> 16, (hid >> 5) & 0x7FF
        need(page < len(self.pages), f"HID 0x{hid:X}: no page {page}")
        need(1 <= index <= len(self.allocs[page]), f"HID 0x{hid:X}: no allocation")
        return self.allocs[page][index - 1]

    def count(self):
        return sum(len(a) for a in self.allocs)


def read_bth(heap, hid, cb_key, cb_ent):
    """The records (key bytes, data bytes) of a BTH in key order, and its levels."""
    hdr = heap.get(hid)
    need(len(hdr) == 8 and hdr[0] == 0xB5, "not a BTHHEADER")
    need(hdr[1] == cb_key and hdr[2] == cb_ent,
         f"BTH cbKey {hdr[1]} cbEnt {hdr[2]}, not {cb_key} {cb_ent}")
    levels, root = hdr[3], struct.unpack_from("<I", hdr, 4)[0]
    if root == 0:
        need(levels == 0, "empty BTH with levels")
        return [], 0
    out = []

    def walk(h, level, first_key):
        data = heap.get(h)
        size = cb_key + (4 if level else cb_ent)
        need(len(data) % size == 0 and data, f"BTH allocation of {len(data)} bytes")
        recs = [data[o:o + size] for o in range(0, len(data), size)]
        if first_key is not None:
            need(recs[0][:cb_key] == first_key, "intermediate key is not its child's first")
        for r in recs:
            if level:
                walk(struct.unpack_from("<I", r, cb_key)[0], level - 1, r[:cb_key])
            else:
                out.append((r[:cb_key], r[cb_key:]))

    walk(root, levels, None)
    keys = [int.from_bytes(k, "little") for k, _ in out]
    need(all(a < b for a, b in zip(keys, keys[1:])), "BTH keys not strictly sorted")
    return out, levels


class Node:
    """A heap (its pages) and the subnodes its values may name: subs maps
    a subnode's NID to its blocks (any mapping; looked up as values are)."""

    def __init__(self, pages, subs, client_sig):
        self.heap = Heap(pages, client_sig)
        self.subs = subs
        self.used = set()

    @classmethod
    def from_folder(cls, folder, client_sig):
        pages = sorted(glob.glob(os.path.join(folder, "page-*.bin")))
        subs = {}
        for path in sorted(glob.glob(os.path.join(folder, "sub-*.bin"))):
            nid = int(os.path.basename(path).split("-")[1], 16)
            subs.setdefault(nid, []).append(open(path, "rb").read())
        return cls([open(p, "rb").read() for p in pages], subs, client_sig)

    def value(self, hnid, ptype):
        """KIND:HEX of a value stored out of its record or row."""
        if hnid == 0:
            return "empty:"
        if hnid & 0x1F == 0:
            data = self.heap.get(hnid)
            if ptype == 0x000D:
                need(len(data) == 8, "PtypObject reference is not 8 bytes")
                nid, size = struct.unpack("<II", data)
                return f"object:{nid:08X}:{size}"
            return "heap:" + data.hex()
        need(hnid & 0x1F == 0x1F, f"HNID 0x{hnid:X} is neither an HID nor an LTP NID")
        if hnid not in self.subs:
            return f"nid:{hnid:08X}"
        blocks = self.subs[hnid]
        self.used.add(hnid)
        for b in blocks[:-1]:
            need(len(b) == BLOCK_MAX, f"subnode {hnid:08X}: a block of {len(b)} bytes")
        data = b"".join(blocks)
        need(len(data) > ALLOC_MAX, f"subnode {hnid:08X} holds only {len(data)} bytes")
        return "sub:" + data.hex()

    def check_all_used(self):
        need(self.used == set(self.subs), "subnodes nothing refers to: " +
             " ".join(f"{n:08X}" for n in sorted(set(self.subs) - self.used)))


def read_pc(node, out=print):
    """Prints (through out) the properties of PC node (client sig 0xBC)."""
    recs, levels = read_bth(node.heap, node.heap.user_root, 2, 6)
    out(f"# pages {len(node.heap.pages)}")
    out(f"# levels {levels}")
    for key, data in recs:
        pid = struct.unpack("<H", key)[0]
        ptype, hnid = struct.unpack("<HI", data)
        size = FIXED.get(ptype)
        if size is not None and size <= 4:
            raw = data[2:6]
            need(raw[size:] == b"\0" * (4 - size), f"0x{pid:04X}: bytes past the value")
            val = "inline:" + raw[:size].hex()
        else:
            val = node.value(hnid, ptype)
            if size is not None and not val.startswith("empty"):
                need(len(val.split(":")[1]) == 2 * size, f"0x{pid:04X}: wrong size")
        out(f"prop {pid:04X} {ptype:04X} {val}")


def pc_values(node):
    """{prop id: (type, "KIND:HEX")} of PC node, as read_pc prints them."""
    lines, out = [], {}
    read_pc(node, lines.append)
    for line in lines:
        if line.startswith("prop "):
            _, pid, ptype, val = line.split(" ", 3)
            out[int(pid, 16)] = (int(ptype, 16), val)
    return out


def cell_size(ptype):
    size = FIXED.get(ptype)
    return size if size is not None and size <= 8 else 4


def read_tc(node, out=print):
    """Prints (through out) the rows of TC node (client sig 0x7C)."""
    info = node.heap.get(node.heap.user_root)
    need(info[0] == 0x7C, "TCINFO bType is not 0x7C")
    c_cols = info[1]
    rgib = struct.unpack_from("<4H", info, 2)
    hid_index, hnid_rows, hid_old = struct.unpack_from("<III", info, 10)
    need(hid_old == 0, "hidIndex is not 0")
    need(len(info) == 22 + 8 * c_cols, "TCINFO size")
    need(rgib[0] % 4 == 0 and rgib[0] <= rgib[1] <= rgib[2] <= rgib[3], f"rgib {rgib}")
    need(rgib[3] - rgib[2] == (c_cols + 7) // 8, "TCI_bm is not TCI_1b + the bitmap")
    cols = [struct.unpack_from("<IHBB", info, 22 + 8 * k) for k in range(c_cols)]
    tags = [c[0] for c in cols]
    need(all(a < b for a, b in zip(tags, tags[1:])), "TCOLDESCs not sorted by tag")
    need(sorted(c[3] for c in cols) == list(range(c_cols)), "iBits not 0..cCols-1")
    bytes_used = set()
    for tag, ib, cb, bit in cols:
        ptype = tag & 0xFFFF
        need(cb == cell_size(ptype), f"column {tag:08X}: cbData {cb}")
        group = {8: (0, rgib[0]), 4: (0, rgib[0]), 2: (rgib[0], rgib[1]),
                 1: (rgib[1], rgib[2])}[cb]
        need(group[0] <= ib and ib + cb <= group[1], f"column {tag:08X} out of its group")
        need(ib % min(cb, 4) == 0, f"column {tag:08X} misaligned")
        span = set(range(ib, ib + cb))
        need(not (span & bytes_used), f"column {tag:08X} overlaps another")
        bytes_used |= span
        if tag == ROW_ID:
            need((ib, bit) == (0, 0), "PidTagLtpRowId not at 0, bit 0")
        if tag == ROW_VER:
            need((ib, bit) == (4, 1), "PidTagLtpRowVer not at 4, bit 1")
    need(ROW_ID in tags and ROW_VER in tags, "row id or version column missing")
    row_size = rgib[3]

    index, levels = read_bth(node.heap, hid_index, 4, 4)
    id_of = {}
    for key, data in index:
        id_of[struct.unpack("<I", data)[0]] = struct.unpack("<I", key)[0]
    need(sorted(id_of) == list(range(len(index))), "row indexes are not 0..n-1")
    out(f"# pages {len(node.heap.pages)}")
    out(f"# levels {levels}")

    if hnid_rows == 0:
        need(not index, "rows indexed but hnidRows is 0")
        blocks = []
        out("# rows none")
    elif hnid_rows & 0x1F == 0:
        blocks = [node.heap.get(hnid_rows)]
        out("# rows heap")
    else:
        need(hnid_rows in node.subs, f"row matrix subnode {hnid_rows:08X} missing")
        node.used.add(hnid_rows)
        blocks = node.subs[hnid_rows]
        per = BLOCK_MAX // row_size
        for b in blocks[:-1]:
            need(len(b) == per * row_size, f"a row matrix block of {len(b)} bytes")
        need(sum(len(b) for b in blocks) > ALLOC_MAX, "a small row matrix in a subnode")
        out(f"# rows sub {len(blocks)}")
    rows = []
    for b in blocks:
        need(len(b) % row_size == 0, "a row matrix block of part rows")
        rows += [b[o:o + row_size] for o in range(0, len(b), row_size)]
    need(len(rows) == len(index), f"{len(rows)} rows, {len(index)} indexed")
    by_tag = sorted(cols)
    for i, row in enumerate(rows):
        rid = struct.unpack_from("<I", row, 0)[0]
        need(id_of[i] == rid, f"row {i}: dwRowID {rid}, index says {id_of[i]}")
        out(f"row {rid}")
        ceb = row[rgib[2]:rgib[3]]
        for tag, ib, cb, bit in by_tag:
            if not ceb[bit // 8] & (0x80 >> (bit % 8)):
                continue
            ptype = tag & 0xFFFF
            if cell_size(ptype) == FIXED.get(ptype):
                val = "row:" + row[ib:ib + cb].hex()
            else:
                val = node.value(struct.unpack_from("<I", row, ib)[0], ptype)
            out(f"cell {tag:08X} {val}")


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("pc", "tc"):
        sys.exit(__doc__)
    try:
        sig, read = (0xBC, read_pc) if sys.argv[1] == "pc" else (0x7C, read_tc)
        node = Node.from_folder(sys.argv[2], sig)
        read(node)
        node.check_all_used()
    except (Bad, struct.error, IndexError) as e:
        print(f"ltp_read: {sys.argv[2]}: {e}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
