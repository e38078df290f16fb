# policy_forwards.sh: the message hook sees inside forwarded messages
# (m.attachments[i].message, every attachment's path) and may leave out an
# attachment inside one: the forwarded message then lacks it, a note in
# its body says so, and verify counts the decision.
. "$(dirname "$0")/lib.sh"
POL=$(cd "$(dirname "$0")/../../scripts/policies" && pwd)
PO="$TMP/po"

# Seed 7 holds forwards in forwards, some with attachments inside.
expect_status 0 "$CCMIG" gen "$PO" --seed 7 --users 8 --messages 15 \
	--attachment-share 0.3 --encoding raw --no-progress

# Every attachment inside a forwarded message goes (by its path, or by its
# table); what the hook is given is checked on the way.
cat >"$TMP/inside.lua" <<'LUA'
local function walk(atts, prefix, drop, depth)
	for i, a in ipairs(atts) do
		assert(a.index == i and a.path == (prefix and prefix .. "." .. i or tostring(i)),
		       "path " .. tostring(a.path))
		if a.message then
			local f = a.message
			assert(type(f.attachments) == "table" and type(f.to) == "table" and
			       type(f.headers) == "table" and f.size >= f.body_size, "message")
			assert(f.from == nil or tostring(f.from) == f.from.text, "from")
			walk(f.attachments, a.path, drop, depth + 1)
		elseif prefix then
			drop[#drop + 1] = depth % 2 == 0 and a.path or a
		end
	end
end
return {
	message = function(m)
		local drop = {}
		walk(m.attachments, nil, drop, 1)
		if #drop == 0 then return true end
		return { drop_attachments = drop }
	end,
}
LUA
expect_status 0 "$CCMIG" migrate "$PO" --store "$TMP/p.db" --policy "$TMP/inside.lua"
expect_grep "Attachments left out by a policy: 2, each with a note in its message" "$TMP/out"
cat "$TMP"/p.db.report/*.txt >"$TMP/report"
expect_grep "message 15: attachment 1.1 'v1-2-3.txt' (29 bytes) is not migrated: policy 'inside.lua' removed it; a note in the forwarded message's body says so [attachment-dropped-by-policy]" \
	"$TMP/report"
expect_status 0 "$CCMIG" verify "$PO" --store "$TMP/p.db" --list
expect_grep "2 attachments of those messages left out by decision" "$TMP/out"
expect_grep "attachment(s) 1.1 left out by decision: policy:inside.lua:message" "$TMP/out"
expect_grep "The store accounts for every message of the post office." "$TMP/out"
expect_status 0 "$CCMIG" migrate "$PO" --store "$TMP/n.db"

# The exports: each forwarded message (message/rfc822) lacks what was left
# out, its body holds the note, and every other attachment, at any depth,
# is there byte for byte (against the post office migrated without it).
expect_status 0 "$CCMIG" export --store "$TMP/p.db" --maildir "$TMP/pm"
expect_status 0 "$CCMIG" export --store "$TMP/n.db" --maildir "$TMP/nm"
cat >"$TMP/check.py" <<'PY'
import sys
from maildir_read import by_message_id as load, parts

def compare(n, p, depth, path, removed):
    """n: the message without the policy, p: with it."""
    (nbody, natts), (pbody, patts) = parts(n), parts(p)
    text, kept = pbody.get_content(), 0
    want = []
    for i, a in enumerate(natts, 1):
        if depth > 0 and a.get_content_type() != "message/rfc822":
            note = "[attachment '%s' (" % a.get_filename()
            assert note in text and "was removed by policy 'inside.lua']" in text, \
                (path, note, text[-300:])
            removed.append(a.get_filename())
            continue
        want.append(a)
    assert len(want) == len(patts), (path, len(want), len(patts))
    for a, b in zip(want, patts):
        assert a.get_content_type() == b.get_content_type(), path
        if a.get_content_type() == "message/rfc822":
            kept += compare(a.get_content(), b.get_content(), depth + 1, path + "/fwd",
                            removed)
        else:
            assert a.get_filename() == b.get_filename(), path
            assert a.get_payload(decode=True) == b.get_payload(decode=True), path
            kept += 1
    return kept

policy, plain = load(sys.argv[1]), load(sys.argv[2])
assert policy and set(policy) == set(plain), "the same messages"
removed, kept, headers = [], 0, []
for mid, n in plain.items():
    before = len(removed)
    kept += compare(n, policy[mid], 0, mid, removed)
    h = policy[mid]["X-ccmig-Attachments-Removed"]
    assert (h is not None) == (len(removed) > before), mid
    if h:
        headers.append(str(h))
assert sorted(removed) == ["chart.gif", "v1-2-3.txt"] and kept > 20, (removed, kept)
assert all(h.endswith(" (policy:inside.lua:message)") and "." in h for h in headers), headers
print("removed", removed, "headers", headers)
PY
if PYTHONPATH="$(dirname "$0")" python3 "$TMP/check.py" "$TMP/pm" "$TMP/nm" >"$TMP/py" 2>&1; then pass; else
	fail "the exports"; cat "$TMP/py" >&2; fi

# Dropping a forwarded message and something inside it: the outer one wins.
cat >"$TMP/both.lua" <<'LUA'
return {
	message = function(m)
		for _, a in ipairs(m.attachments) do
			if a.message and #a.message.attachments > 0 then
				return { drop_attachments = { a.index, a.path .. ".1" } }
			end
		end
		return true
	end,
}
LUA
expect_status 0 "$CCMIG" migrate "$PO" --store "$TMP/b.db" --policy "$TMP/both.lua"
expect_grep "Attachments left out by a policy: 3," "$TMP/out"
if grep -q "attachment 1\.1 " "$TMP"/b.db.report/*.txt; then
	fail "a drop inside a forwarded message left out whole counted"; else pass; fi
expect_status 0 "$CCMIG" verify "$PO" --store "$TMP/b.db"

# The stock policy leaves out big attachments inside forwarded messages too.
expect_status 0 "$CCMIG" migrate "$PO" --store "$TMP/big.db" \
	--policy "$POL/big-attachments.lua" --policy-arg max_mb=0.00001
expect_grep "Attachments left out by a policy: 29," "$TMP/out"
cat "$TMP"/big.db.report/*.txt >"$TMP/report"
expect_grep "attachment 1.1 'v1-2-3.txt' (29 bytes) is not migrated: policy 'big-attachments.lua'" \
	"$TMP/report"
expect_status 0 "$CCMIG" verify "$PO" --store "$TMP/big.db"

# Paths that name nothing fail the hook for that user, naming the field
# and the paths there are.
failing() {
	printf 'return { message = function(m) %s end }\n' "$2" >"$TMP/$1.lua"
	expect_status 1 "$CCMIG" migrate "$PO" --store "$TMP/$1.db" --policy "$TMP/$1.lua"
	expect_grep "$3" "$TMP/out"
}
failing bad_path 'return { drop_attachments = { "1.99" } }' \
	"drop_attachments names attachment '1.99', which the message does not have (the paths of m.attachments"
failing not_path 'return { drop_attachments = { "2..1" } }' \
	"drop_attachments holds the string '2..1', not an attachment index or path"
failing bad_table 'return { drop_attachments = { {} } }' \
	"drop_attachments holds a table that is not an attachment of m.attachments (it has no path)"

stores_sound
finish
