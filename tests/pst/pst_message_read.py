"""pst_message_read.py: a PST file's messages read with the tests' own readers
(pst_check.py for the node database, ltp_read.py for the heaps, property
and table contexts), none of ccmig's code: what libpff does not give, a
message's recipient table and the messages embedded in its attachments.

    f = PstFile(path)
    m = f.message(nid)          # a message node by its NID
    m.props                     # {prop id: (type, bytes or None)}
    m.recipients()              # [{prop id: (type, bytes or None)}], in order
    m.parts()                   # [Part], the attachment table's order
    f.names()                   # {prop id: (GUID bytes, LID or name)}: the name-to-id map
    f.named(guid, lid_or_name)  # the prop id of a named property, or None
    part.props, part.data(), part.message()   # message(): embedded, or None

Values are the bytes as stored (strings UTF-16-LE); an empty value (HNID 0)
is None. Anything that breaks the format raises ltp_read.Bad.
"""
import struct

import ltp_read
import pst_check
from ltp_read import Bad, need

NID_RECIPIENT_TABLE, NID_ATTACHMENT_TABLE = 0x692, 0x671
GUID_TAIL = bytes.fromhex("c000000000000046")
PS_MAPI = bytes.fromhex("2803020000000000") + GUID_TAIL
PS_PUBLIC_STRINGS = bytes.fromhex("2903020000000000") + GUID_TAIL
PSETID_ADDRESS = bytes.fromhex("0420060000000000") + GUID_TAIL
PT_OBJECT = 0x000D


def parse_value(val):
    kind, _, rest = val.partition(":")
    if kind == "empty":
        return None
    if kind == "object":
        nid, size = rest.split(":")
        return (int(nid, 16), int(size))
    need(kind != "nid", f"value in subnode {rest}, which the node does not have")
    return bytes.fromhex(rest)


class Subnodes:
    """A node's subnodes, each one's blocks read when a value names it."""

    def __init__(self, pst, sbid):
        self.pst = pst
        self.entries = pst.subnodes(sbid) if sbid else {}

    def __contains__(self, nid):
        return nid in self.entries

    def __getitem__(self, nid):
        return self.pst.leaves(self.entries[nid][0])

    def __iter__(self):
        return iter(self.entries)


class PstFile:
    def __init__(self, path):
        c = pst_check.Checker(path)
        need(c.header(), f"{path}: not a Unicode PST file")
        leaves = []
        c.btree(pst_check.PT_NBT, c.nbt_bid, c.nbt_ib, out=leaves)
        for e in leaves:
            nid, dbid, sbid = struct.unpack_from("<QQQ", c.d, e)
            c.node_bids[nid] = (dbid, sbid)
        leaves = []
        c.btree(pst_check.PT_BBT, c.bbt_bid, c.bbt_ib, out=leaves)
        for e in leaves:
            c.block(e)
        need(not c.breaches, f"{path}: " + "; ".join(m for _, m in c.breaches[:3]))
        self.c = c

    def leaves(self, bid):
        """A data tree's blocks in order (a heap's pages)."""
        need(bid in self.c.blocks, f"no block 0x{bid:x}")
        b = bytes(self.c.data(bid))
        if not bid & 2:
            return [b]
        n = struct.unpack_from("<H", b, 2)[0]
        return [x for i in range(n)
                for x in self.leaves(struct.unpack_from("<Q", b, 8 + 8 * i)[0])]

    def subnodes(self, sbid):
        """{nid: (data bid, subnode bid)} of a subnode tree."""
        need(sbid in self.c.blocks, f"no subnode block 0x{sbid:x}")
        b = self.c.data(sbid)
        n = struct.unpack_from("<H", b, 2)[0]
        out = {}
        for i in range(n):
            if b[1] == 0:
                nid, dbid, sub = struct.unpack_from("<QQQ", b, 8 + 24 * i)
                out[nid] = (dbid, sub)
            else:
                out.update(self.subnodes(struct.unpack_from("<Q", b, 16 + 16 * i)[0]))
        return out

    def message(self, nid):
        need(nid in self.c.node_bids, f"no node 0x{nid:x}")
        return Message(self, *self.c.node_bids[nid])

    def names(self):
        """The name-to-id map ([MS-PST] 2.4.7) read from its streams."""
        p = self.message(0x61).props
        guids, entries, strings = (p.get(k, (0, b""))[1] or b"" for k in (2, 3, 4))
        fixed = {1: PS_MAPI, 2: PS_PUBLIC_STRINGS}
        out = {}
        for k in range(len(entries) // 8):
            pid, gk, idx = struct.unpack_from("<IHH", entries, 8 * k)
            g = gk >> 1
            guid = fixed.get(g) or guids[16 * (g - 3):16 * (g - 2)]
            need(len(guid) == 16, f"NAMEID {k}: GUID index {g} outside the stream")
            if gk & 1:
                n = struct.unpack_from("<I", strings, pid)[0]
                name = strings[pid + 4:pid + 4 + n].decode("utf-16-le")
            else:
                name = pid
            out[0x8000 + idx] = (bytes(guid), name)
        return out

    def named(self, guid, name):
        if not hasattr(self, "_by_name"):
            self._by_name = {v: k for k, v in self.names().items()}
        return self._by_name.get((bytes(guid), name))


def pc(pst, dbid, subs):
    node = ltp_read.Node(pst.leaves(dbid), subs, 0xBC)
    return {k: (t, parse_value(v)) for k, (t, v) in ltp_read.pc_values(node).items()}


def tc(pst, dbid, subs):
    """[(row id, {prop id: (type, value)})] in the row matrix's order."""
    lines = []
    ltp_read.read_tc(ltp_read.Node(pst.leaves(dbid), subs, 0x7C), lines.append)
    rows = []
    for line in lines:
        if line.startswith("row "):
            rows.append((int(line.split()[1]), {}))
        elif line.startswith("cell "):
            _, tag, val = line.split(" ", 2)
            tag = int(tag, 16)
            rows[-1][1][tag >> 16] = (tag & 0xFFFF, parse_value(val))
    return rows


class Message:
    def __init__(self, pst, dbid, sbid):
        self.pst = pst
        self.subs = Subnodes(pst, sbid)
        self.props = pc(pst, dbid, self.subs)

    def recipients(self):
        need(NID_RECIPIENT_TABLE in self.subs, "no recipient table (subnode 0x692)")
        return [r for _, r in tc(self.pst, self.subs.entries[NID_RECIPIENT_TABLE][0],
                                 self.subs)]

    def parts(self):
        if NID_ATTACHMENT_TABLE not in self.subs:
            return []
        rows = tc(self.pst, self.subs.entries[NID_ATTACHMENT_TABLE][0], self.subs)
        out = []
        for rid, _ in rows:
            need(rid in self.subs, f"attachment 0x{rid:x} is not a subnode")
            dbid, sbid = self.subs.entries[rid]
            out.append(Part(self.pst, dbid, sbid))
        return out


class Part:
    """An attachment, read when first asked about (its data may be large)."""

    def __init__(self, pst, dbid, sbid):
        self.pst, self.dbid, self.sbid = pst, dbid, sbid
        self._props = None

    @property
    def props(self):
        if self._props is None:
            self.subs = Subnodes(self.pst, self.sbid)
            self._props = pc(self.pst, self.dbid, self.subs)
        return self._props

    def data(self):
        v = self.props.get(0x3701, (0, None))
        return v[1] if isinstance(v[1], bytes) else b""

    def message(self):
        """The embedded message (PR_ATTACH_DATA_OBJ), or None."""
        ptype, v = self.props.get(0x3701, (0, None))
        if ptype != PT_OBJECT:
            return None
        need(v is not None and v[0] in self.subs, "PR_ATTACH_DATA_OBJ names no subnode")
        return Message(self.pst, *self.subs.entries[v[0]])
