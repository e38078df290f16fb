# cases_policy.py: hostile migration policies: hooks that loop forever,
# allocate without bound, reach for io, os, require, load, debug, run
# library functions billions of times, or fail in every hook; and hooks
# that hand back what no mailbox should get.
import expfile
from catalogue import Case, HOSTILE_FILE, MIGRATE, RERUN_CASE_PO, read, write
from checks import ESCAPE

# Each hook's test for "this is pwilson's": the address hook sees only
# addresses, so pwilson's mail gets one that nobody else's has.
TRIGGER = {
    "user": ("user = function(u)", 'u.name == "pwilson"', "end"),
    "folder": ("folder = function(name, user)", 'user == "pwilson"', "return name end"),
    "message": ("message = function(m, user)", 'user == "pwilson"', "end"),
    "address": ("address = function(a)", 'a.post_office == "HOSTILEPO"', "end"),
    "custom_recipient": ("custom_recipient = function(u, c)", 'u.name == "pwilson"', "end"),
}

BODIES = {
    "error": ('error("hostile policy")', r"hostile policy"),
    "loop": ("while true do end", r"instructions"),
    "alloc-table": ("local t = {} local i = 0 while true do i = i + 1 t[i] = {} end",
                    r"not enough memory"),
    "alloc-string": ('local s = "x" while true do s = s .. s end', r"not enough memory"),
    "rep-huge": ('local s = string.rep("x", 1 << 40)', r"(not enough memory|too large)"),
    "io": ('local f = io.open("/etc/passwd")', r"io"),
    "os-execute": ('os.execute("touch /tmp/%s-os")' % ESCAPE, r"execute"),
    "os-exit": ("os.exit(0)", r"exit"),
    "os-remove": ('os.remove("/tmp/x")', r"remove"),
    "os-getenv": ('local h = os.getenv("HOME")', r"getenv"),
    "require": ('local m = require("os")', r"require"),
    "load-bytecode": ("local f = load(string.dump(function() end))", r"load"),
    "dofile": ('dofile("/etc/passwd")', r"dofile"),
    "debug": ("debug.sethook()", r"debug"),
    "collectgarbage": ('collectgarbage("stop")', r"collectgarbage"),
    "stack-overflow": ("local function f() return 1 + f() end f()",
                       r"(stack overflow|not enough memory)"),
    "error-tostring-loop": ("error(setmetatable({}, {__tostring = function() "
                            "while true do end end}))", r"instructions"),
    # A limit's error caught by pcall or xpcall goes on up all the same.
    "pcall-loop": ("while true do pcall(function() while true do end end) end",
                   r"instructions"),
    "xpcall-loop": ("while true do xpcall(function() while true do end end, "
                    "function(e) return e end) end", r"instructions"),
    "pcall-slow": ('while true do pcall(function() for i = 1, 1e9 do '
                   'local s = string.rep("x", 100000) end end) end', r"seconds of CPU time"),
    # Library functions that work a long time in C, where no instruction
    # is counted: only a time limit stops them.
    "rep-empty": ('local s = string.rep("", math.maxinteger)', None),
    "pattern": ('string.find(string.rep("a", 40), string.rep("a*", 40) .. "b")', None),
    "table-move": ("table.move({}, 1, math.maxinteger - 1, 1)", None),
    # Lua code that calls slow C again and again: few instructions, much time.
    "c-work-loop": ('for i = 1, 1e9 do local s = string.rep("x", 100000) end',
                    r"seconds of CPU time"),
}
SLOW = {"rep-empty", "pattern", "table-move", "c-work-loop", "pcall-slow"}
# Stuck inside one C function: the run stops, exit status 2.
STUCK = (r"policy '[^']*policy\.lua' in its message hook for 'pwilson' has used more than "
         r"0\.3 s of CPU time in one call, inside a library function that cannot be interrupted")


def _policy_po(c, base):
    """The base post office, with one address only pwilson's mail has."""
    po = c.copy_po(base)
    path = po + "/" + HOSTILE_FILE
    data = read(path)
    m = expfile.parse(data)[0]
    h = [h for h in m.headers if h.text.startswith(b"To:")][0]
    write(path, expfile.splice(data, m, h.at, h.at + len(h.text),
                               h.text + b", Trigger, Policy at HOSTILEPO"))
    return po


def _case(root, base, name, what, lua):
    c = Case(root, "policy", name, what)
    _policy_po(c, base)
    write(c.path("policy.lua"), lua.encode())
    return c


RUN = MIGRATE + ["--policy", "{input}/policy.lua"]
FAILED = (r"policy '[^']*policy\.lua' failed in its %s hook: .*%s.*user 'pwilson' is not "
          r"migrated.*\[policy-failed\]")


def hooks(root, base):
    for hook, (head, test, tail) in TRIGGER.items():
        for body, (text, expect) in BODIES.items():
            if hook != "message" and body not in ("error", "loop", "alloc-table"):
                continue            # the rest once, in the message hook
            lua = "return { %s if %s then %s end %s }\n" % (head, test, text, tail)
            c = _case(root, base, "%s-%s" % (hook.replace("_", "-"), body),
                      "the %s hook, for pwilson: %s" % (hook, text), lua)
            steps = []
            if hook == "custom_recipient":
                # Only an existing custom recipient asks the hook.
                steps.append(["dirsync", "{po}", "--store", "{out}/s.db"])
            for s in steps:
                c.step(s, 0)
            if body in SLOW:       # a short limit keeps the test short
                c.set(env={"CCMIG_POLICY_SECONDS": "0.3"})
            if expect is None:
                c.step(RUN, 2, [STUCK], timeout=60).set(check="nothing")
                c.rerun(RERUN_CASE_PO, po="{po}").write()
            else:
                c.step(RUN, 1, [FAILED % (hook, expect)]).write()


def policies(root, base):
    hooks(root, base)
    every = "\n".join("%s if %s then error('every hook') end %s," % v for v in TRIGGER.values())
    c = _case(root, base, "every-hook-fails", "every hook fails for pwilson",
              "return {\n%s\n}\n" % every)
    c.step(["dirsync", "{po}", "--store", "{out}/s.db"], 0)
    c.step(RUN, 1, [FAILED % (r"\w+", "every hook")]).write()
    c = _case(root, base, "user-fails-for-all", "the user hook fails for everyone",
              'return { user = function(u) error("nobody") end }\n')
    c.step(RUN, 1, [r"user 'Hill, Steve' is not migrated \[policy-failed\]"]).set(
        hostile=None, check="none",
        store_has=[["SELECT count(*) FROM recipients WHERE kind = 'mailbox'", 0]])
    c.rerun(RERUN_CASE_PO, po="{po}").write()
    for name, lua, expect in (
            ("main-loop", "while true do end return {}", r"instructions"),
            ("main-alloc", 'local s = "x" while true do s = s .. s end', r"not enough memory"),
            ("main-io", "io.write('x') return {}", r"io"),
            ("bytecode-file", None, r"binary"),
):
        c = _case(root, base, name, "a policy whose main chunk: %s" % name, lua or "")
        if lua is None:
            write(c.path("policy.lua"), b"\x1bLua\x54\x00\x19\x93\r\n\x1a\n\x04\x08\x08")
        c.step(RUN, 2, [expect]).set(check="nothing")
        c.rerun(RERUN_CASE_PO, po="{po}").write()
    # Hooks are looked up, and what a hook hands back is read, without
    # running any of the policy's code: its metamethods are not consulted.
    for name, lua in (("hooks-index-error", 'return setmetatable({}, {__index = '
                       'function(t, k) error("no such hook") end})'),
                      ("hooks-index-loop", "return setmetatable({}, {__index = "
                       "function(t, k) while true do end end})")):
        c = _case(root, base, name, "a policy whose hook table is %s" % lua, lua + "\n")
        c.step(RUN, 0).set(hostile=None).write()
    for name, ret in (("result-index-error", 'setmetatable({}, {__index = function() '
                       'error("sneaky") end})'),
                      ("result-index-loop", "setmetatable({}, {__index = function() "
                       "while true do end end})")):
        lua = 'return { user = function(u) if u.name == "pwilson" then return %s end end }\n' % ret
        c = _case(root, base, name, "the user hook gives pwilson %s" % ret, lua)
        c.step(RUN, 0).set(hostile=None).write()
    c = _case(root, base, "finalizer-loop", "a table whose finalizer loops forever",
              "setmetatable({}, {__gc = function() while true do end end})\nreturn {}\n")
    c.step(RUN, 2, [r"may not set __gc"]).set(check="nothing")
    c.rerun(RERUN_CASE_PO, po="{po}").write()
    c = _case(root, base, "memory-kept", "the main chunk keeps all the memory it may have",
              "keep = {}\npcall(function() while true do keep[#keep + 1] = "
              "string.rep('x', 1 << 20) end end)\n"
              "return { message = function(m, user) return true end }\n")
    c.step(RUN, 0).set(hostile=None).write()
    # The limits can be set: lower, higher, and not to something that is
    # no number.
    def pw(body):
        return 'return { message = function(m, user) if user == "pwilson" then %s end end }\n' % body
    c = _case(root, base, "limit-instructions-lower", "CCMIG_POLICY_INSTRUCTIONS=100000, "
              "a hook that runs a million", pw("for i = 1, 1e6 do end"))
    c.step(RUN, 1, [FAILED % ("message", r"more than 100000 instructions.*"
                              r"CCMIG_POLICY_INSTRUCTIONS raises the limit")])
    c.set(env={"CCMIG_POLICY_INSTRUCTIONS": "100000"}).write()
    c = _case(root, base, "limit-instructions-higher", "CCMIG_POLICY_INSTRUCTIONS=50000000, "
              "a hook that runs 20 million", pw("for i = 1, 2e7 do end"))
    c.step(RUN, 0).set(hostile=None, env={"CCMIG_POLICY_INSTRUCTIONS": "50000000"}).write()
    c = _case(root, base, "limit-memory-lower", "CCMIG_POLICY_MEMORY_MB=8, a hook that "
              "makes a 16 MiB string", pw('local s = string.rep("x", 16 << 20)'))
    c.step(RUN, 1, [FAILED % ("message", r"not enough memory \(policies may hold 8 MiB; "
                              r"CCMIG_POLICY_MEMORY_MB raises the limit\)")])
    c.set(env={"CCMIG_POLICY_MEMORY_MB": "8"}).write()
    for var, value in (("CCMIG_POLICY_SECONDS", "abc"), ("CCMIG_POLICY_MEMORY_MB", "0"),
                       ("CCMIG_POLICY_INSTRUCTIONS", "-5")):
        name = "limit-bad-" + var[len("CCMIG_POLICY_"):].lower().replace("_", "-")
        c = _case(root, base, name, "%s=%s" % (var, value), pw("return true"))
        c.step(RUN, 2, [r"%s='%s' is not a number above 0.*fix it or unset it" % (var, value)])
        c.set(check="nothing", env={var: value})
        c.rerun(RERUN_CASE_PO, po="{po}").write()
    # Values no mailbox should get.
    c = _case(root, base, "alias-path", "the user hook gives pwilson an alias that is a path",
              'return { user = function(u) if u.name == "pwilson" then '
              'return { alias = "../../../%s-p1" } end end }\n' % ESCAPE)
    c.step(RUN, 0).set(hostile=None, export=True,
                       renamed={"pwilson": "......%s" % ESCAPE[:14]}).write()
    # Every string a hook returns is checked where it comes back: too long
    # or holding a control character, the hook fails for that user (and
    # only that user); a line end or tab becomes a space.
    for name, hook, lua, expect in (
            ("alias-10mib", "user", 'return { alias = string.rep("a", 10 << 20) }',
             r"the alias it returned is 10485760 bytes long, more than the 4096"),
            ("last-name-2mib", "user", 'return { last_name = string.rep("l", 2 << 20) }',
             r"the last_name it returned is 2097152 bytes long"),
            ("display-name-escape", "user", 'return { display_name = "\\27[2JP" }',
             r"the display_name it returned holds the control character \\x1b at byte 0"),
            ("subject-2mib", "message", 'return { subject = string.rep("s", 2 << 20) }',
             r"the subject it returned is 2097152 bytes long, more than the 4096"),
            ("subject-escape", "message", 'return { subject = "\\27]0;owned\\7" }',
             r"the subject it returned holds the control character \\x1b at byte 0"),
            ("folder-2mib", "folder", 'return string.rep("f", 2 << 20)',
             r"the folder name it returned is 2097152 bytes long, more than the 16384"),
            ("address-2mib", "address", 'return string.rep("x", 2 << 20) .. "@example.com"',
             r"the mapped address it returned is \d+ bytes long")):
        head, test, tail = TRIGGER[hook]
        c = _case(root, base, name, "the %s hook, for pwilson: %s" % (hook, lua),
                  "return { %s if %s then %s end %s }\n" % (head, test, lua, tail))
        c.step(RUN, 1, [FAILED % (hook, expect)]).write()
    c = _case(root, base, "names-line-breaks", "the user and address hooks give names "
              "with CR LF, LF and tab in them",
              'return { user = function(u) if u.name == "pwilson" then return { '
              'display_name = "Wilson,\\r\\nPat", last_name = "Wil\\nson" } end end,\n'
              'address = function(a) if a.post_office == "HOSTILEPO" then '
              'return "Trigger\\r\\n\\tPolicy <trigger@example.com>" end end }\n')
    c.step(RUN, 0).set(hostile=None, changed=True, store_has=[
        ["SELECT count(*) FROM recipients WHERE display_name = 'Wilson, Pat' "
         "AND last_name = 'Wil son'", 1],
        ["SELECT count(*) FROM message_recipients WHERE display_name "
         "GLOB '*Trigger  Policy <trigger@example.com>*'", 1],
        ["SELECT count(*) FROM recipients WHERE display_name GLOB '*[\r\n\t]*' "
         "OR last_name GLOB '*[\r\n\t]*'", 0]]).write()
    # Recipients by the hundred, each mapped to 4000 bytes: the message's
    # row would be longer than an import reads; that message alone is lost,
    # and said to be.
    c = Case(root, "policy", "row-too-long", "pwilson's message to 300 recipients, each "
             "mapped to 4000 bytes by the address hook")
    po = c.copy_po(base)
    path = po + "/" + HOSTILE_FILE
    data = read(path)
    m = expfile.parse(data)[0]
    h = [h for h in m.headers if h.text.startswith(b"To:")][0]
    many = b", ".join(b"Many%d at HOSTILEPO" % i for i in range(300))
    write(path, expfile.splice(data, m, h.at, h.at + len(h.text), h.text + b", " + many))
    write(c.path("policy.lua"), b'return { address = function(a) if a.post_office == '
          b'"HOSTILEPO" then return a.name .. string.rep("x", 4000) .. "@example.com" '
          b'end end }\n')
    c.step(RUN, 1, [r"error: message 1: not migrated: its row would be \d+ bytes long, "
                    r"and an import reads lines of at most 1048576 bytes.*\[row-too-long\]"]
           ).write()
    c = _case(root, base, "folder-5000-levels", "the folder hook nests pwilson's mail 5000 deep",
              'return { folder = function(name, user) if user == "pwilson" then '
              'return string.rep("d\\\\", 5000) end return name end }\n')
    c.step(RUN, 0).set(changed=True, export=True).write()
    c = _case(root, base, "subject-header-injection",
              "the message hook gives a subject with a line end and a header",
              'return { message = function(m, user) if user == "pwilson" then '
              'return { subject = "hi\\r\\nBcc: evil@example.com" } end end }\n')
    c.step(RUN, 0).set(changed=True, export=True, names=[],
                       no_header=["Bcc: evil@example.com"]).write()
    c = _case(root, base, "addresses-1000", "the user hook gives pwilson 1000 addresses",
              'return { user = function(u) if u.name == "pwilson" then local a = {} '
              'for i = 1, 1000 do a[i] = "SMTP:p" .. i .. "@example.com" end '
              'return { addresses = a } end end }\n')
    c.step(RUN, 0).set(hostile=None).write()
