# policy.sh: migration policies: the stock ones, and the sandbox holding.
. "$(dirname "$0")/lib.sh"
POL=$(cd "$(dirname "$0")/../../scripts/policies" && pwd)
PO="$DATA/salespo"

# skip-mail: every user, no message.
expect_status 1 "$CCMIG" extract "$PO" -o "$TMP/a" --policy "$POL/skip-mail.lua"
expect_grep "4 users (each with a MAILMESSAGE section)" "$TMP/out"
expect_grep "0 messages" "$TMP/out"
expect_grep "message-skipped-by-policy" "$TMP/a/ccmig-report.txt"

# date-range: only Smith's three messages of 1999 and New Year 2000.
expect_status 1 "$CCMIG" extract "$PO" -o "$TMP/b" --policy "$POL/date-range.lua" \
	--policy-arg since=1999-01-01 --policy-arg until=2000-01-02
expect_grep "3 messages" "$TMP/out"

# rename-users: alias and display name from a CSV file.
printf '"Smith, John",jsmith2,Smith J (Sales)\n' >"$TMP/names.csv"
expect_status 1 "$CCMIG" extract "$PO" -o "$TMP/c" --policy "$POL/rename-users.lua" \
	--policy-arg users="$TMP/names.csv"
expect_grep "mailbox,create,jsmith2,Smith J (Sales),Smith,John," "$TMP/c/Directory.pri"

# readcsv splits as migration files are: quotes, doubled quotes, commas in
# quotes, a line far longer than any buffer; a broken line gives nil and
# where it broke.
python3 - "$TMP/csv.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write('# a comment\n\n"Smith, John","say ""hi""",' + "x" * 20000 + '\n')
    f.write('plain,,last\n')
PY
printf 'ok,"unterminated\n' >"$TMP/bad.csv"
cat >"$TMP/csv.lua" <<'LUA'
local arg = ...
local rows = assert(readcsv(arg.rows))
local r = rows[1]
local shape = #rows .. ":" .. #r .. ":" .. r[1] .. ":" .. r[2] .. ":" .. #r[3] ..
	":" .. #rows[2] .. ":" .. rows[2][2] .. "|" .. rows[2][3]
local none, why = readcsv(arg.bad)
return {
	user = function(u)
		if u.name == "Smith, John" then
			return { display_name = shape .. "/" .. tostring(none) .. "/" .. why }
		end
	end,
}
LUA
expect_status 1 "$CCMIG" extract "$PO" -o "$TMP/csv" --policy "$TMP/csv.lua" \
	--policy-arg rows="$TMP/csv.csv" --policy-arg bad="$TMP/bad.csv"
expect_grep '"2:3:Smith, John:say ""hi"":20000:3:|last/nil/' "$TMP/csv/Directory.pri"
expect_grep "bad.csv:1: column 4: a quoted field must end" "$TMP/csv/Directory.pri"

# boards-only: no user, the board's message all the same.
expect_status 1 "$CCMIG" extract "$PO" -o "$TMP/d" --policy "$POL/boards-only.lua"
expect_grep "0 users" "$TMP/out"
expect_grep "1 messages" "$TMP/out"

# address: map this post office's users to SMTP addresses.
cat >"$TMP/smtp.lua" <<'LUA'
return {
	address = function(a)
		if a.kind == "user" and a.post_office == "SALESPO" then
			local last, first = a.name:match("^(.-), (.*)$")
			if last then return "SMTP:" .. first:lower() .. "." .. last:lower() .. "@example.com" end
		end
	end,
}
LUA
expect_status 1 "$CCMIG" extract "$PO" -o "$TMP/g" --policy "$TMP/smtp.lua"
expect_grep '"Jane Doe [SMTP:jane.doe@example.com]","John Smith [SMTP:john.smith@example.com]",,,[draft] plan' \
	"$TMP/g/00000001.pri"

# map-custom-recipients: a custom recipient an earlier tool made (another
# alias, none of the user's addresses) becomes Smith's mailbox.
printf 'assert(ccmig.store(arg[1])):close()\n' >"$TMP/mk.lua"
"$CCMIG" run "$TMP/mk.lua" "$TMP/map.db"
python3 - "$TMP/map.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("INSERT INTO recipients (kind, alias, display_name, target) VALUES "
           "('custom', 'jsmith-old', 'J. Smith (old)', 'SMTP:jsmith@old.example.com')")
db.commit()
PY
printf '"Smith, John",jsmith-old,john.smith@example.com\n' >"$TMP/map.csv"
expect_status 1 "$CCMIG" migrate "$PO" --store "$TMP/map.db" --keep-files "$TMP/mapset" \
	--policy "$POL/map-custom-recipients.lua" --policy-arg map="$TMP/map.csv"
expect_grep "1 custom recipients made mailboxes" "$TMP/out"
expect_grep "John Smith [SMTP:john.smith@example.com]" "$TMP/mapset/00000001.pri"
cat >"$TMP/who.lua" <<'LUA'
local st = assert(ccmig.store(arg[1]))
local r = assert(st:recipient("MIGRATE:CCMAIL:Smith, John at SALESPO"))
print(r.alias, r.kind)
LUA
expect_status 0 "$CCMIG" run "$TMP/who.lua" "$TMP/map.db"
expect_grep "jsmith-old	mailbox" "$TMP/out"
# An alias nobody has: reported, and the mailbox made as without it.
printf '"Doe, Jane",nobody-here,\n' >"$TMP/map2.csv"
expect_status 1 "$CCMIG" migrate "$PO" --store "$TMP/map2.db" \
	--policy "$POL/map-custom-recipients.lua" --policy-arg map="$TMP/map2.csv"
expect_grep "policy-alias-unknown" "$TMP/out"

# user(u) may add addresses: the mailbox carries them after import.
cat >"$TMP/addsmtp.lua" <<'LUA'
return {
	user = function(u)
		if u.name == "Smith, John" then
			return { addresses = { "SMTP:john.smith@example.com" } }
		end
		return true
	end,
}
LUA
expect_status 1 "$CCMIG" migrate "$PO" --store "$TMP/smtp.db" --keep-files "$TMP/smtpset" \
	--policy "$TMP/addsmtp.lua"
expect_grep '"MIGRATE:CCMAIL:Smith, John at SALESPO";"SMTP:john.smith@example.com"' \
	"$TMP/smtpset/Directory.pri"
cat >"$TMP/bysmtp.lua" <<'LUA'
local st = assert(ccmig.store(arg[1]))
local r = assert(st:recipient("SMTP:john.smith@example.com"))
print(r.kind, r.display_name)
LUA
expect_status 0 "$CCMIG" run "$TMP/bysmtp.lua" "$TMP/smtp.db"
expect_grep "mailbox	John Smith" "$TMP/out"

# Two policies compose in the order given.
expect_status 1 "$CCMIG" extract "$PO" -o "$TMP/e" --policy "$POL/boards-only.lua" \
	--policy "$POL/skip-mail.lua"
expect_grep "0 users" "$TMP/out"
expect_grep "0 messages" "$TMP/out"

# The sandbox. A policy that cannot load stops the run: exit 2, no
# packing list, nothing in the store.
unloadable() {  # unloadable NAME CODE WANTED-TEXT
	printf '%s\n' "$2" >"$TMP/$1.lua"
	expect_status 2 "$CCMIG" migrate "$PO" --store "$TMP/$1.db" --keep-files "$TMP/$1.set" \
		--policy "$TMP/$1.lua"
	expect_grep "$3" "$TMP/err"
	expect_grep "$1.lua" "$TMP/err"
	if [ -f "$TMP/$1.set/SALESPO.pkl" ]; then fail "$1 left a packing list"; else pass; fi
}
unloadable broken 'return { user = function(u) return (( end }' "broken.lua:1:"
unloadable no_table 'return 42' "must return a table"
unloadable csv_anywhere 'local rows = readcsv("/etc/passwd") return {}' \
	"not a file given as a policy argument"

# A hook that fails (an error, a runaway loop, memory without end, io or
# os) leaves out the users it failed for, whole, with the script and line
# in the report; the others are migrated.
cat >"$TMP/who_is.lua" <<'LUA'
local st = assert(ccmig.store(arg[1]))
for i = 2, #arg do
	local r = st:recipient("MIGRATE:CCMAIL:" .. arg[i] .. " at SALESPO")
	print(arg[i], r and r.kind or "absent")
end
LUA
failing() {  # failing NAME CODE WANTED-TEXT
	printf '%s\n' "$2" >"$TMP/$1.lua"
	expect_status 1 "$CCMIG" migrate "$PO" --store "$TMP/$1.db" --policy "$TMP/$1.lua"
	expect_grep "$3" "$TMP/out"
	expect_grep "policy-failed" "$TMP/out"
	"$CCMIG" run "$TMP/who_is.lua" "$TMP/$1.db" "Smith, John" "Doe, Jane" >"$TMP/who" 2>&1
	if grep -q "^Smith, John	absent" "$TMP/who" && grep -q "^Doe, Jane	mailbox" "$TMP/who"; then
		pass; else fail "$1: $(tr '\n' ' ' <"$TMP/who")"; fi
}
failing loops 'return { message = function() while true do end end }' "instructions"
failing hog 'local t = {}
return { message = function() for i = 1, 1e9 do t[i] = string.rep("x", 4096) .. i end end }' \
	"not enough memory"
failing uses_io 'return { message = function(m) return io.open("/etc/passwd") end }' \
	"uses_io.lua:1:"
failing uses_os 'return { message = function(m) os.execute("touch /tmp/ccmig-pwned") end }' \
	"uses_os.lua:1:"
if [ -e /tmp/ccmig-pwned ]; then fail "os.execute ran"; else pass; fi
# A name, folder or address holding a NUL byte would be cut short there by
# C, silently: the hook fails for that user instead.
failing nul_alias 'return { user = function(u)
	if u.name == "Smith, John" then return { alias = "js\0evil" } end end }' \
	"the alias it returned holds the control character \\x00 at byte"
failing nul_address 'return { user = function(u)
	if u.name == "Smith, John" then return { addresses = { "SMTP:js@example.com", "SMTP:a\0b" } } end end }' \
	"the address it returned holds the control character \\x00 at byte"
failing nul_folder 'return { folder = function(f) return "In\0box" end }' \
	"the folder name it returned holds the control character \\x00 at byte"
# The same from the message hook's table (it crashed ccmig, SIGSEGV).
failing nul_subject 'return { message = function(m) return { subject = "a\0b" } end }' \
	"the subject it returned holds the control character \\x00 at byte"
failing nul_message_folder 'return { message = function(m) return { folder = "x\0y" } end }' \
	"the folder it returned holds the control character \\x00 at byte"
# A field a hook may not set is the hook's error, not ignored.
failing bad_field 'return { message = function(m) return { attachments = {} } end }' \
	"it returned the field 'attachments', which it may not set (it may set folder, subject, unread, drop_attachments)"
failing bad_user_field 'return { user = function(u)
	if u.name == "Smith, John" then return { alais = "js" } end end }' \
	"it returned the field 'alais', which it may not set (it may set alias, display_name"
failing number_field 'return { message = function(m) return { [1] = "x" } end }' \
	"it returned a field named by a number, not a name"
# drop_attachments names attachments of m.attachments by index: anything
# else fails the hook, naming the script and the field.
failing drop_string 'return { message = function(m) return { drop_attachments = "all" } end }' \
	"drop_string.lua' failed in its message hook: drop_attachments must be a list of attachment indexes (those of m.attachments), not a string"
failing drop_name 'return { message = function(m) return { drop_attachments = { "budget.wk4" } } end }' \
	"drop_attachments holds the string 'budget.wk4', not an attachment index"
failing drop_range 'return { message = function(m) return { drop_attachments = { #m.attachments + 1 } } end }' \
	"drop_attachments names attachment 1, but the message has 0 (the indexes of m.attachments)"
failing drop_key 'return { message = function(m) return { drop_attachments = { first = 1 } } end }' \
	"drop_attachments must be a list of attachment indexes, but it has the key the string 'first'"
failing drop_fraction 'return { message = function(m) return { drop_attachments = { 0.5 } } end }' \
	"drop_attachments names attachment 0.5, but the message has"
# A folder that names no folder ("\\") costs its message, said with the
# policy's name, not the whole migration (it stopped it with status 2).
cat >"$TMP/nofolder.lua" <<'LUA'
return { folder = function(f, u) if f:find("Bulletin") then return "\\" end return f end }
LUA
expect_status 1 "$CCMIG" migrate "$PO" --store "$TMP/nofolder.db" --policy "$TMP/nofolder.lua"
expect_grep "policy 'nofolder.lua', folder hook gave the folder" "$TMP/out"
expect_grep "[policy-bad-folder]" "$TMP/out"
expect_grep "Migrated $PO into $TMP/nofolder.db: 4 users, 5 messages" "$TMP/out"
# The same in a set's row: that row is skipped, the rest imported.
"$CCMIG" extract "$PO" -o "$TMP/nofolderset" >/dev/null
python3 - "$TMP/nofolderset/Public.pri" <<'PY'
import sys
p = sys.argv[1]
d = open(p, "rb").read()
open(p, "wb").write(d.replace(b'"Lotus cc:Mail Bulletin Boards\\Social"', b'"\\"', 1))
PY
expect_status 1 "$CCMIG" import "$TMP/nofolderset/SALESPO.pkl" --store "$TMP/nofolder2.db" \
	--create-mailboxes
expect_grep "[bad-folder]" "$TMP/out"
expect_grep "a public folder needs a name" "$TMP/out"
expect_grep ", 5 messages" "$TMP/out"

# A user hook that fails for everyone: nobody is migrated, nothing half.
printf 'return { user = function(u) error("no users today") end }\n' >"$TMP/nousers.lua"
expect_status 1 "$CCMIG" extract "$PO" -o "$TMP/nousers" --policy "$TMP/nousers.lua"
expect_grep "0 users" "$TMP/out"
expect_grep "no users today" "$TMP/out"

expect_status 2 "$CCMIG" extract "$PO" -o "$TMP/f" --policy
expect_status 2 "$CCMIG" extract "$PO" -o "$TMP/f" --policy "$POL/skip-mail.lua" --policy-arg noequals

# The user hook's post_office is the post office's name, for a local
# user too (the directory leaves it blank).
printf 'return { user = function(u) if u.post_office ~= "SALESPO" then error("post_office is " .. tostring(u.post_office)) end end }\n' >"$TMP/po_name.lua"
expect_status 1 "$CCMIG" migrate "$PO" --store "$TMP/po_name.db" --policy "$TMP/po_name.lua"
if grep -q "policy-failed" "$TMP/out"; then fail "post_office: $(grep policy-failed "$TMP/out")"; else pass; fi

# Each policy in its own environment: a global one policy sets is not
# another's, and the standard libraries are read-only views, so that no
# policy changes string.rep (or a string method) under another.
cat >"$TMP/env1.lua" <<'LUA'
shared = "from env1"
rawset(string, "rep", function() return "evil" end)   -- its own view only
return { message = function(m) return { subject = string.rep("a", 3) } end }
LUA
cat >"$TMP/env2.lua" <<'LUA'
assert(shared == nil, "sees another policy's global")
return { message = function(m)
	if shared ~= nil then error("sees another policy's global") end
	return { subject = string.rep("b", 2) .. ("-"):rep(2) }
end }
LUA
# The last policy's subject is the one kept: env2's, from the real
# string.rep, then env1's, from its own.
subjects() {
	python3 -c "import sqlite3,sys; print(' '.join(r[0] for r in sqlite3.connect(sys.argv[1]).execute('SELECT DISTINCT subject FROM messages m WHERE parent_id IS NULL AND NOT EXISTS (SELECT 1 FROM message_headers h WHERE h.message_id = m.id AND h.name = \"X-ccmig-generated\")')))" "$1"
}
expect_status 1 "$CCMIG" migrate "$PO" --store "$TMP/env.db" --policy "$TMP/env1.lua" \
	--policy "$TMP/env2.lua"
if grep -q "policy-failed" "$TMP/out"; then fail "env: a policy failed"; else pass; fi
if [ "$(subjects "$TMP/env.db")" = "bb--" ]; then pass; else
	fail "env: subjects $(subjects "$TMP/env.db"), wanted bb--"; fi
expect_status 1 "$CCMIG" migrate "$PO" --store "$TMP/env2.db" --policy "$TMP/env2.lua" \
	--policy "$TMP/env1.lua"
if [ "$(subjects "$TMP/env2.db")" = "evil" ]; then pass; else
	fail "env: subjects $(subjects "$TMP/env2.db"), wanted evil"; fi
for body in 'string.format = function() return "x" end' 'math.floor = nil' \
	    'getmetatable("").__index.rep = nil' 'table.insert = print'; do
	printf '%s\nreturn {}\n' "$body" >"$TMP/tamper.lua"
	expect_status 2 "$CCMIG" migrate "$PO" --store "$TMP/tamper.db" --policy "$TMP/tamper.lua"
	if grep -q "may not change the standard library table\|attempt to index a boolean" "$TMP/err"
	then pass; else fail "tamper: $body: $(cat "$TMP/err")"; fi
	if [ -e "$TMP/tamper.db" ]; then rm -f "$TMP/tamper.db"*; fi
done

finish
