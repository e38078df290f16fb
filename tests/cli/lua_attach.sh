# lua_attach.sh: st:messages{} attachments from Lua: a:read gives what a
# mail client sees (a MacBinary attachment's data fork, as the Maildir
# export writes it), a:raw the stored bytes.
. "$(dirname "$0")/lib.sh"

"$CCMIG" gen "$TMP/po" --seed 5 --users 5 --messages 8 --attachment-share 0.6 \
	--max-attachment 40K --encoding macbin2 >/dev/null 2>&1 || fail "gen"
expect_status 0 "$CCMIG" migrate "$TMP/po" --store "$TMP/s.db"
expect_status 0 "$CCMIG" export --store "$TMP/s.db" --maildir "$TMP/md"

# Every attachment's two views into files, and its fields, a line each.
mkdir -p "$TMP/read" "$TMP/raw"
cat >"$TMP/dump.lua" <<'LUA'
local st = assert(ccmig.store(arg[1], { readonly = true }))
local out, n = arg[2], 0
local list = assert(io.open(out .. "/list", "w"))
local wheres = { {} }                      -- the public folders: boards
for _, box in ipairs(st:mailboxes()) do
	if box.kind == "user" and box.alias then wheres[#wheres + 1] = { mailbox = box.alias } end
end
for _, where in ipairs(wheres) do
	for m in assert(st:messages(where)) do
		for _, a in ipairs(m.attachments) do
			n = n + 1
			local part = a:read(100)          -- in pieces, then the rest
			local f = assert(io.open(out .. "/read/" .. n, "wb"))
			f:write(part or "", a:read("a"))
			f:close()
			assert(a:read(10) == nil and a:read("a") == "", "the end is the end")
			f = assert(io.open(out .. "/raw/" .. n, "wb"))
			f:write(a:raw("a"))
			f:close()
			list:write(table.concat({ n, a.id, a.kind, a.name, tostring(a.macbinary),
				a.mac_type or "-", a.mac_creator or "-", a.sha256 }, "\t"), "\n")
		end
	end
end
list:close()
LUA
expect_status 0 "$CCMIG" run "$TMP/dump.lua" "$TMP/s.db" "$TMP"

if python3 - "$TMP" <<'PY' >"$TMP/check" 2>&1; then pass; else fail "attachment views: $(cat "$TMP/check")"; fi
import collections, email, email.policy, hashlib, os, sqlite3, sys
tmp = sys.argv[1]
sha = lambda b: hashlib.sha256(b).hexdigest()

# What the Maildir export gives a mail client: each named part, decoded.
exported = collections.Counter()
for d, _, files in os.walk(os.path.join(tmp, "md")):
    if os.path.basename(d) not in ("cur", "new"):
        continue
    for f in files:
        msg = email.message_from_binary_file(open(os.path.join(d, f), "rb"),
                                             policy=email.policy.default)
        for part in msg.walk():
            if (part.get_filename() and not part.is_multipart()
                    and part.get_content_type() != "application/applefile"):
                exported[(part.get_filename(), sha(part.get_payload(decode=True)))] += 1

db = sqlite3.connect(os.path.join(tmp, "s.db"))
def stored(att_id):
    rows = db.execute("SELECT p.data FROM attachments a JOIN blob_parts p "
                      "ON p.blob_id = a.blob_id WHERE a.id = ? ORDER BY p.seq", (att_id,))
    return b"".join(r[0] for r in rows)

macs = 0
for line in open(os.path.join(tmp, "list")):
    n, att_id, kind, name, mac, mtype, creator, digest = line.rstrip("\n").split("\t")
    read = open(os.path.join(tmp, "read", n), "rb").read()
    raw = open(os.path.join(tmp, "raw", n), "rb").read()
    assert raw == stored(int(att_id)), "%s: a:raw is not the stored bytes" % name
    assert sha(raw) == digest, "%s: a.sha256 is not that of the stored bytes" % name
    if kind == "message" or db.execute(
            "SELECT 1 FROM attachments a JOIN messages m ON m.parent_id = a.message_id "
            "AND m.parent_seq = a.seq WHERE a.id = ?", (int(att_id),)).fetchone():
        # A forwarded message's export text: the export writes the
        # message it holds (message/rfc822), not this file.
        assert read == raw, "%s: read and raw differ" % name
        continue
    assert exported[(name, sha(read))] > 0, "%s: a:read is not the exported part" % name
    exported[(name, sha(read))] -= 1
    if mac == "true":
        macs += 1
        dlen = int.from_bytes(raw[83:87], "big")
        assert read == raw[128:128 + dlen], "%s: not the data fork" % name
        assert read != raw and len(mtype) == 4 and len(creator) == 4, (name, mtype, creator)
        assert raw[65:69].decode("latin-1") == mtype and raw[69:73].decode("latin-1") == creator
    else:
        assert read == raw and mtype == "-", "%s: read and raw differ" % name
assert macs >= 3, "only %d MacBinary attachments" % macs
assert sum(exported.values()) == 0, "exported parts no attachment gave: %r" % (+exported)
print("%d MacBinary attachments checked" % macs)
PY
sed 's/^/  /' "$TMP/check"
finish
