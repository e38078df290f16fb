# policy_message.sh: the message hook sees the whole message (sizes,
# attachments, addresses, its owner) and may leave attachments out, each
# replaced by a note; verify accounts for them as decisions.
. "$(dirname "$0")/lib.sh"
POL=$(cd "$(dirname "$0")/../../scripts/policies" && pwd)
PO="$TMP/po"

# RAW attachments: what the hook measures is what the exports decode.
expect_status 0 "$CCMIG" gen "$PO" --seed 3 --users 8 --messages 20 \
	--attachment-share 0.5 --max-attachment 64K --encoding raw

# A policy that checks what it is given (a failed assert fails the hook,
# which the report says) and decides on it: attachments over `limit`
# bytes and forwarded messages go, subjects say who sent to whom.
cat >"$TMP/decide.lua" <<'LUA'
local args = ...
local limit = tonumber(args.limit)
local kinds = { file = 1, fax = 1, graphics = 1, sound = 1, message = 1, other = 1 }

return {
	message = function(m, user, u)
		local total = m.body_size
		for i, a in ipairs(m.attachments) do
			assert(a.index == i and type(a.name) == "string" and kinds[a.kind],
			       "attachment " .. i)
			total = total + a.size
		end
		assert(m.size == total, "size is the body's and the attachments'")
		assert(u == nil or (u.name == user and u.post_office == "SALESPO"), "u")
		assert(m.from == nil or tostring(m.from) == m.from.text, "from")
		for _, a in ipairs(m.to) do assert(a.name and a.kind and a.raw, "to") end
		assert(type(m.headers) == "table" and type(m.cc) == "table" and type(m.bcc) == "table")
		local r, drop, tags = {}, {}, ""
		for _, a in ipairs(m.attachments) do
			if a.kind == "message" or a.size > limit then drop[#drop + 1] = a.index end
		end
		if #drop > 0 then r.drop_attachments = drop end
		if #m.to >= 2 then tags = tags .. "[many]" end
		if u and m.from and m.from.name == u.name then tags = tags .. "[own]" end
		if tags ~= "" then r.subject = tags .. " " .. m.subject end
		return r
	end,
}
LUA
expect_status 0 "$CCMIG" migrate "$PO" --store "$TMP/p.db" --policy "$TMP/decide.lua" \
	--policy-arg limit=16384
expect_grep "Attachments left out by a policy: 17, each with a note in its message" "$TMP/out"
expect_grep "[attachment-dropped-by-policy]" "$TMP/out"
expect_grep "Report: 0 errors, 0 warnings, 20 notes" "$TMP/out"
expect_status 0 "$CCMIG" migrate "$PO" --store "$TMP/n.db"

# The exports: what was left out is gone, a note says so in the body, the
# header names the attachments, and every other attachment is there byte
# for byte (against the same post office migrated without the policy).
expect_status 0 "$CCMIG" export --store "$TMP/p.db" --maildir "$TMP/pm"
expect_status 0 "$CCMIG" export --store "$TMP/n.db" --maildir "$TMP/nm"
cat >"$TMP/check.py" <<'PY'
import sys
from email.utils import getaddresses
from maildir_read import by_message_id as load, parts

policy, plain, limit = load(sys.argv[1]), load(sys.argv[2]), int(sys.argv[3])
assert policy and set(policy) == set(plain), "the same messages"
dropped = kept = many = own = 0
for mid, n in plain.items():
    p = policy[mid]
    natts, (pbody, patts) = parts(n)[1], parts(p)
    text = pbody.get_content()
    want = []
    for a in natts:
        forwarded = a.get_content_type() == "message/rfc822"
        if not forwarded and len(a.get_payload(decode=True)) <= limit:
            want.append(a)
            continue
        dropped += 1
        name = a.get_filename()
        note = ("[forwarded message '%s' (" % name[:-len(".eml")] if forwarded
                else "[attachment '%s' (" % name)
        assert note in text, (mid, note, text[-300:])
    assert text.count("was removed by policy 'decide.lua']") == len(natts) - len(want), mid
    assert len(patts) == len(want), (mid, len(patts), len(want))
    for a, b in zip(want, patts):
        assert a.get_filename() == b.get_filename(), mid
        assert a.get_payload(decode=True) == b.get_payload(decode=True), (mid, a.get_filename())
        kept += 1
    assert (p["X-ccmig-Attachments-Removed"] is not None) == (len(want) < len(natts)), mid
    subject = str(p["Subject"] or "")
    tos = [t for t in getaddresses([str(n["To"] or "")]) if t[0] or t[1]]
    assert subject.startswith("[many]") == (len(tos) >= 2), (mid, subject, tos)
    many += subject.startswith("[many]")
    own += "[own]" in subject
assert dropped == 17 and kept and many and own, (dropped, kept, many, own)
print("dropped %d kept %d many %d own %d" % (dropped, kept, many, own))
PY
if PYTHONPATH="$(dirname "$0")" python3 "$TMP/check.py" "$TMP/pm" "$TMP/nm" 16384 >"$TMP/check" 2>&1; then pass; else
	fail "exports: $(cat "$TMP/check")"; fi

# verify accounts for the message as the source message, and names the
# decision: the identity is the source's, whatever the policy left out.
expect_status 0 "$CCMIG" verify "$PO" --store "$TMP/p.db" --list
expect_grep "The store accounts for every message of the post office." "$TMP/out"
expect_grep "17 attachments of those messages left out by decision" "$TMP/out"
expect_grep "attachments left out: 17 by policy:decide.lua:message" "$TMP/out"
expect_grep "left out by decision: policy:decide.lua:message [verify-decided]" "$TMP/out"
expect_status 0 "$CCMIG" verify "$PO" --store "$TMP/p.db" --json
expect_grep '"attachments_left_out": 17, "attachment_decisions": {"policy:decide.lua:message": 17}' \
	"$TMP/out"

# A second run with the policy: every message is there already (the hook
# measures it all the same, from the one reading that identifies it), and
# nothing changes.
expect_status 0 "$CCMIG" migrate "$PO" --store "$TMP/p.db" --policy "$TMP/decide.lua" \
	--policy-arg limit=16384
expect_grep "Already in the store: 188 messages" "$TMP/out"
expect_status 0 "$CCMIG" verify "$PO" --store "$TMP/p.db"
# Into a store that holds the messages whole, the policy changes nothing
# stored, and says so.
expect_status 0 "$CCMIG" migrate "$PO" --store "$TMP/n.db" --policy "$TMP/decide.lua" \
	--policy-arg limit=16384 --verbose
expect_grep "[attachments-kept-as-stored]" "$TMP/out"
expect_status 0 "$CCMIG" verify "$PO" --store "$TMP/n.db"
expect_grep "The store accounts for every message of the post office." "$TMP/out"

# The stock policy: attachments over max_mb megabytes (1 MiB each).
expect_status 0 "$CCMIG" migrate "$PO" --store "$TMP/big.db" \
	--policy "$POL/big-attachments.lua" --policy-arg max_mb=0.03
expect_grep "Attachments left out by a policy: " "$TMP/out"
expect_status 0 "$CCMIG" verify "$PO" --store "$TMP/big.db"
expect_grep "by policy:big-attachments.lua:message" "$TMP/out"
expect_status 2 "$CCMIG" migrate "$PO" --store "$TMP/big2.db" \
	--policy "$POL/big-attachments.lua" --policy-arg max_mb=lots
expect_grep "max_mb=lots is not a number of megabytes" "$TMP/err"

stores_sound
finish
