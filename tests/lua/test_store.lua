-- test_store.lua: ccmig.migrate, extract, import, iff and the store objects.
local check = require "check"
local ccmig = require "ccmig"
local DATA = assert(arg[1], "usage: ccmig run test_store.lua TESTS_DATA_DIR")
local PO = DATA .. "/salespo"
local tmp = check.tmpdir()

-- expected failures
local s0, e0 = ccmig.store(tmp .. "/missing/x.db", { readonly = true })
check.eq(s0, nil, "read-only store that does not exist")
check.ok(e0 and #e0 > 0, "it says why")

local po = assert(ccmig.open(PO))
local st = assert(ccmig.store(tmp .. "/s.db"))

-- dirsync, then migrate: every local user gets a mailbox
local ds = assert(st:dirsync(po))
check.eq(ds.counts.users, 6, "dirsync users")
check.eq(type(ds.events), "table", "dirsync events")
local rep = assert(ccmig.migrate(po, st, { create_mailboxes = false }))
check.eq(rep.counts.extract.users, 4, "extracted users")
check.eq(rep.counts.messages, 6, "imported messages (5 + the board's)")
check.eq(rep.counts.attachments, 2, "imported attachments")
check.eq(type(rep.skipped), "table", "skipped is a list")
for _, e in ipairs(rep.events) do
  check.ok(e.severity and e.kind and e.text, "event fields")
end

local mailboxes = st:recipients { kind = "mailbox" }
check.eq(#mailboxes, 4, "four mailboxes")
for _, u in ipairs(po:users()) do
  if u["local"] then
    local r, why = st:recipient(u.address)
    check.ok(r, "recipient of " .. u.address .. " " .. tostring(why))
    if r then
      check.eq(r.kind, "mailbox", u.name .. " is a mailbox")
      check.ok(#r.addresses > 0, "addresses")
      local folders = assert(st:folders(r.alias))
      local inbox = false
      for _, f in ipairs(folders) do if f.special == "inbox" then inbox = true end end
      check.ok(inbox, u.name .. " has an Inbox")
    end
  end
end
local dl = st:recipients { kind = "dl" }
check.eq(#dl, 1, "one list")
check.eq(#dl[1].members, 3, "its members")
check.eq(st:recipient("Nobody at NOWHERE"), nil, "unknown address: nil")
check.raises("unknown recipient kind", st.recipients, st, { kind = "x" })

-- messages with bodies and attachments read in pieces
local n, sizes = 0, {}
for m in st:messages { mailbox = "Smith, John" } do
  n = n + 1
  check.eq(type(m.subject), "string", "subject")
  for _, a in ipairs(m.attachments) do
    local parts = {}
    repeat local p = a:read(100); parts[#parts + 1] = p until not p
    local whole = table.concat(parts)
    check.eq(#whole, a.size, "attachment bytes = size")
    sizes[#sizes + 1] = a.size
  end
end
check.eq(n, 4, "Smith's messages (3 and the address book notice)")
check.eq(table.concat(sizes, ","), "256", "Smith's attachment")
local inbox = 0
for m in st:messages { mailbox = "Grewal, Jeff", folder = "Inbox" } do
  inbox = inbox + 1
  check.ok(m.body ~= nil, "body")
  for _, a in ipairs(m.attachments) do check.eq(a:read("a"), "hi\r\n", "NOTE.TXT") end
end
check.eq(inbox, 2, "Grewal's Inbox")
for m in st:messages { mailbox = "Smith, John" } do break end   -- releases the cursor
local f, why = st:messages { mailbox = "Nobody" }
check.eq(f, nil, "messages of no mailbox")
check.ok(why, "why")
local public = 0
for _ in st:messages() do public = public + 1 end
check.eq(public, 1, "the board's message in the public folders")
check.ok(#st:events() >= 0, "events")

-- extract, iff, import into a second store
local set = tmp .. "/set"
local ex = assert(ccmig.extract(po, set, { code_page = 1252 }))
check.eq(ex.counts.users, 4, "extract users")
check.ok(ex.pkl, "packing list")
local ex2, exerr = ccmig.extract(po, set, {})
check.eq(ex2, nil, "extract into a folder holding a set")
check.ok(exerr, "why")
local iff = assert(ccmig.iff(ex.pkl))
check.eq(iff.code_page, 1252, "set code page")
check.ok(#iff:files() >= 2, "set files")
local kinds, bodies = {}, 0
for sec in iff:sections() do
  kinds[sec.kind] = (kinds[sec.kind] or 0) + 1
  for row in sec.rows do
    if sec.kind == "MAILMESSAGE" and row.fields.Body and row.fields.Body:sub(1, 1) == "#" then
      local chain = assert(iff:chain(row.fields.Body))
      check.eq(chain[1].type, "Body", "chain starts with a body")
      bodies = bodies + 1
    end
  end
end
check.eq(kinds.MAILMESSAGE, 5, "4 users + public MAILMESSAGE sections")
check.ok(bodies >= 1, "bodies read")
check.eq(ccmig.iff(tmp .. "/none.pkl"), nil, "no packing list: nil")
iff:close()
local st2 = assert(ccmig.store(tmp .. "/s2.db"))
local im = assert(ccmig.import(ex.pkl, st2, { create_mailboxes = true }))
check.eq(im.counts.messages, 6, "import messages")
check.eq(#st2:recipients { kind = "mailbox" }, 4, "import mailboxes")

-- read-only SQL with bound parameters; anything else is refused
local rows = assert(st2:query("SELECT alias, kind FROM recipients WHERE kind = ? ORDER BY alias",
  "mailbox"))
check.eq(#rows, 4, "query rows")
check.eq(rows[1].kind, "mailbox", "query column by name")
local one = assert(st2:query("SELECT ? AS i, ? AS r, ? AS t, ? AS n, ? AS b", 7, 1.5, "x", nil, true))[1]
check.eq(one.i, 7, "integer parameter")
check.eq(one.r, 1.5, "real parameter")
check.eq(one.t, "x", "text parameter")
check.eq(one.n, nil, "nil parameter")
check.eq(one.b, 1, "boolean parameter")
for _, sql in ipairs { "DELETE FROM messages", "UPDATE recipients SET alias = 'x'",
                       "DROP TABLE meta", "PRAGMA journal_mode = delete",
                       "ATTACH DATABASE '" .. tmp .. "/evil.db' AS e", "BEGIN",
                       "CREATE TEMP TABLE t (x)" } do
  local r, why = st2:query(sql)
  check.eq(r, nil, "refused: " .. sql)
  check.ok(why and why:find("only reading is allowed", 1, true), "why refused: " .. sql)
end
check.eq(io.open(tmp .. "/evil.db"), nil, "ATTACH made no file")
check.eq(#st2:recipients { kind = "mailbox" }, 4, "nothing changed by a refused query")
local r2, why2 = st2:query("SELECT 1; SELECT 2")
check.ok(r2 == nil and why2:find("one SQL statement at a time", 1, true), "two statements")
check.raises("the query has 1 parameter and 0 values were given", st2.query, st2, "SELECT ?")
check.raises("parameter 1 is a table", st2.query, st2, "SELECT ?", {})
local r3, why3 = st2:query("SELECT * FROM no_such_table")
check.ok(r3 == nil and why3:find("no_such_table", 1, true), "a bad query says why")

-- closing the store releases what is open
local a
for m in st:messages { mailbox = "Grewal, Jeff" } do
  if #m.attachments > 0 then a = m.attachments[1] end
end
st:close()
check.raises("closed", a.read, a, 1)
check.raises("closed", function() return st:recipients() end)
st2:close()
po:close()

-- a generated post office, migrated: every user has a mailbox
local gdir = tmp .. "/gen"
check.ok(os.execute(string.format("'%s' gen '%s' --users 6 --messages 2 --seed 3 >/dev/null",
  arg[-1], gdir)), "ccmig gen")
local g = assert(ccmig.open(gdir))
local gs <close> = assert(ccmig.store(tmp .. "/g.db"))
local grep = assert(ccmig.migrate(g, gs, { create_mailboxes = true }))
check.ok(grep.counts.messages > 0, "generated messages migrated")
-- again: every message is already there, none stored twice
local again = assert(ccmig.migrate(g, gs, { create_mailboxes = true }))
check.eq(again.counts.messages, 0, "a second migrate stores nothing")
check.eq(again.counts.messages_already, grep.counts.messages,
  "a second migrate finds every message already there")
check.ok(again.counts.left_out > 0, "the R8 settings messages are left out by a decision")
for _, u in ipairs(g:users()) do
  if u["local"] then
    local r = st2 and gs:recipient(u.address)
    check.ok(r and r.kind == "mailbox", "generated user " .. u.name .. " has a mailbox")
  end
end
-- the account of the migration: a row per user and board, adding up
local boxes = gs:mailboxes()
local rep = gs:report()
local locals, src, mig, left = 0, 0, 0, 0
for _, u in ipairs(g:users()) do if u["local"] then locals = locals + 1 end end
for _, b in ipairs(boxes) do
  src, mig, left = src + b.source, mig + b.migrated, left + b.left_out
  local by = 0
  for _, n in pairs(b.left_out_by) do by = by + n end
  check.eq(by, b.left_out, "left_out_by adds up for " .. b.name)
  check.eq(b.source, b.migrated + b.left_out + b.unaccounted, "source adds up for " .. b.name)
end
check.eq(#boxes, locals + #g:boards(), "a row per user and board")
check.eq(#rep.mailboxes, #boxes, "report's rows")
check.eq(rep.source, src, "report's source")
check.eq(rep.migrated, mig, "report's migrated")
check.eq(rep.left_out, left, "report's left out")
check.ok(rep.left_out > 0, "the R8 settings messages are in the account")
check.eq(rep.accounted, true, "everything accounted for")
local n_msgs = gs:query("SELECT count(*) AS n FROM messages WHERE parent_id IS NULL")[1].n
check.eq(rep.messages, n_msgs, "report's messages are the store's")
-- st:messages filters: a date range, sender and subject text, as SQL counts them
local big = boxes[1]
for _, b in ipairs(boxes) do if b.kind == "user" and b.messages > big.messages then big = b end end
local function count(opts)
  local n = 0
  opts.mailbox = big.name
  for _ in gs:messages(opts) do n = n + 1 end
  return n
end
local function sql_count(where, ...)
  return gs:query("SELECT count(*) AS n FROM messages m JOIN folders f ON f.id = m.folder_id "
    .. "JOIN recipients r ON r.id = f.mailbox_id WHERE r.alias = ? AND m.parent_id IS NULL AND "
    .. where, big.alias, ...)[1].n
end
local y2000 = 946684800
check.eq(count {}, big.messages, "st:messages of a mailbox")
check.eq(count { since = "2000-01-01" },
  sql_count("coalesce(m.sent_utc, m.received_utc) >= ?", y2000), "since a day")
check.eq(count { before = y2000 },
  sql_count("coalesce(m.sent_utc, m.received_utc) < ?", y2000), "before UTC seconds")
check.eq(count { ["until"] = "2000-01-01" }, count { before = y2000 }, "until, as before")
local first = gs:query("SELECT m.subject, m.sender_name FROM messages m JOIN folders f ON "
  .. "f.id = m.folder_id JOIN recipients r ON r.id = f.mailbox_id WHERE r.alias = ? AND "
  .. "m.parent_id IS NULL AND m.subject <> '' LIMIT 1", big.alias)[1]
local word = first.subject:match("%a%a%a+") or first.subject
check.eq(count { subject = word:upper() },
  sql_count("m.subject LIKE ?", "%" .. word .. "%"), "subject text in any case")
check.eq(count { from = first.sender_name },
  sql_count("(m.sender_name LIKE ? OR m.sender_address LIKE ?)",
    "%" .. first.sender_name .. "%", "%" .. first.sender_name .. "%"), "sender text")
check.raises("no date YYYY-MM-DD", function() for _ in gs:messages { since = "2000-13-01" } do end end)

-- the store checked against its post office, and written out
local v = assert(gs:verify(g))
check.eq(v.ok, true, "st:verify: everything accounted for")
check.eq(v.missing, 0, "st:verify: nothing missing")
check.eq(v.matched + v.decided, v.source_messages, "st:verify: matched and decided")
check.ok((v.decisions["rule:r8-settings"] or 0) > 0, "st:verify: the R8 decision by reason")
local md = tmp .. "/lua-md"
local ex = assert(gs:export { maildir = md })
check.eq(ex.messages, n_msgs, "st:export to Maildir: every message")
check.eq(ex.problems, 0, "st:export: no problems")
local again2 = assert(gs:export { maildir = md })
check.eq(again2.already, n_msgs, "st:export again: every message already there")
check.eq(again2.messages, 0, "st:export again: nothing written")
local mb = assert(gs:export { mbox = tmp .. "/lua-mb", time_zone = "Europe/Paris" })
check.eq(mb.messages, n_msgs, "st:export to mbox: every message")
local pst = assert(gs:export { pst = tmp .. "/lua-pst" })
check.eq(pst.messages, n_msgs, "st:export to PST: every message")
check.ok(pst.files >= pst.mailboxes and pst.mailboxes > 0, "st:export to PST: a file a mailbox")
check.eq(pst.problems, 0, "st:export to PST: no problems")
local tiny = assert(gs:export { pst = tmp .. "/lua-pst-tiny", max_message_size = 1 })
check.eq(tiny.messages, 0, "st:export with max_message_size 1: nothing fits")
check.eq(tiny.left_out_size, n_msgs, "st:export: every message left out by the limit")
check.eq(tiny.problems, 0, "st:export: a size limit is a decision, not a problem")
local md2 = assert(gs:export { maildir = tmp .. "/lua-md-tiny", target = "gmail" })
check.eq(md2.left_out_size, 0, "st:export to Maildir with target gmail: all fit")
check.raises("needs a limit", gs.export, gs, { pst = tmp .. "/x", split_attachments = true })
check.raises("m365, gmail or dovecot", gs.export, gs, { pst = tmp .. "/x", target = "aol" })
check.raises("one of them", gs.export, gs, { maildir = md, pst = md })
check.raises("one of them", gs.export, gs, { maildir = md, mbox = md })
-- IMAP is the command's: a script is told where to go.
check.raises("ccmig export --imap URL", gs.export, gs,
	     { imap = "imap://127.0.0.1:1", imap_max_rate = 2 })
check.eq(gs:export { maildir = md, time_zone = "Mars/Base" }, nil, "an unknown zone")
g:close()

check.done()
