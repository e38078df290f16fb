# cases_names.py: names that try to be paths, devices or SQL: attachment
# names and folder names (exported to Maildir and mbox, where names reach
# the file system), and SQL metacharacters in every kind of name.
import os

import expfile
from catalogue import CODE_PAGE, Case, HOSTILE_FILE, MIGRATE, read, write
from checks import ESCAPE

ATTACHMENT_NAMES = {
    "dotdot-slash": "../../../../../../../../tmp/%s-a1" % ESCAPE,
    "dotdot-backslash": "..\\..\\..\\..\\..\\..\\%s-a2.txt" % ESCAPE,
    "absolute": "/tmp/%s-a3" % ESCAPE,
    "etc-passwd": "/etc/passwd",
    "drive-letter": "C:\\WINDOWS\\%s-a4.dll" % ESCAPE,
    "drive-relative": "C:%s-a5" % ESCAPE,
    "unc": "\\\\server\\share\\%s-a6.txt" % ESCAPE,
    "con": "CON",
    "nul": "NUL",
    "con-ext": "con.txt",
    "aux": "AUX",
    "lpt1": "LPT1.doc",
    "long-300": "A" * 296 + ".txt",
    "dot": ".",
    "dotdot": "..",
    "quote": 'a"b.txt',
    "param-injection": 'x.txt"; filename="evil.exe',
    "semicolon": "a;b=c.txt",
    "percent": "%2e%2e%2f%2e%2e%2fescape.txt",
    "control": "bell\x07\x01\x1f.txt",
    "lone-cr": "a\rb.txt",
    "encoded-word": "=?UTF-8?B?Li4vLi4vZXZpbC5leGU=?=",
    "trailing-dots": "report.txt. . ",
    "accented": "R\u00e9sum\u00e9 \u00fcber.doc",
    "with-date": "../../%s-a7.txt 5/6/97 3:10PM" % ESCAPE,
}
# What the attachment is called in the store and the export when it is
# not the name as written (the trailing date is the file's time).
STORED_AS = {"with-date": "../../%s-a7.txt" % ESCAPE,
             # a line end cannot stand in a secondary file's header line
             "lone-cr": "a b.txt",
             "trailing-dots": "report.txt. ."}

FOLDER_NAMES = {
    "dotdot-backslash": "..\\..\\..\\%s-f1" % ESCAPE,
    "dotdot-slash": "../../../%s-f2" % ESCAPE,
    "absolute": "/tmp/%s-f3" % ESCAPE,
    "drive": "C:\\%s-f4" % ESCAPE,
    "dot-levels": ".\\..\\.\\..",
    "maildir-words": "cur\\new\\tmp",
    "inbox-dot": ".INBOX",
    "devices": "CON\\NUL\\AUX",
    "long-300": "F" * 300,
    "deep-100": "\\".join(["d"] * 100),
    "long-levels": "\\".join(["L%02d" % i + "x" * 240 for i in range(20)]),
    "empty-levels": "\\\\\\",
    "modified-utf7": "a&b&-c",
    "imap-wildcards": "%*?",
    "trailing-backslash": "Projects\\",
    "public": "public",
}


def _cp(text):
    return text.encode(CODE_PAGE)


def _attachment_case(root, base, name, title, group="attachment-name"):
    c = Case(root, group, name, "an attachment named %r" % title)
    po = c.copy_po(base)
    path = po + "/" + HOSTILE_FILE
    data = read(path)
    m = expfile.parse(data)[5]
    line = m.items[1].line
    new = b"File item: " + _cp(title)
    write(path, expfile.splice(data, m, line.at, line.at + len(line.text), new))
    c.step(MIGRATE, 0).set(export=True, names=[STORED_AS.get(name, title)])
    return c


def attachment_names(root, base):
    for name, title in ATTACHMENT_NAMES.items():
        _attachment_case(root, base, name, title).write()


def _folder_case(root, base, name, folder):
    c = Case(root, "folder-name", name, "a folder named %r" % folder)
    po = c.copy_po(base)
    path = po + "/" + HOSTILE_FILE
    data = read(path)
    m = expfile.parse(data)[0]
    line = [h for h in m.headers if h.text.startswith(b"Folder:")][0]
    new = b"Folder: " + _cp(folder)
    write(path, expfile.splice(data, m, line.at, line.at + len(line.text), new))
    c.step(MIGRATE, 0).set(export=True)
    return c


def folder_names(root, base):
    for name, folder in FOLDER_NAMES.items():
        _folder_case(root, base, name, folder).write()


SQL = "x'); DROP TABLE messages; --\"%_*[a]?"


def _replace_everywhere(po, old, new):
    """`old` becomes `new` in every file of the bundle: in the headers of
    message files (their counts kept right), anywhere in the others."""
    for sub in ("", "/mail", "/pab", "/bboards"):
        for name in sorted(os.listdir(po + sub)):
            p = po + sub + "/" + name
            if not p.endswith((".txt", ".exp")):
                continue
            data = read(p)
            if sub in ("/mail", "/bboards"):
                data = _recounted(data, old, new)
            else:
                data = data.replace(old, new)
            os.remove(p)
            # A file named after the user is renamed as the manifest is.
            write(po + sub + "/" + os.fsdecode(os.fsencode(name).replace(old, new)), data)


def _kept(table, column, text):
    """A store_has check: `text` stands, as written, in table.column."""
    return ["SELECT count(*) > 0 FROM %s WHERE instr(%s, CAST(X'%s' AS TEXT))"
            % (table, column, text.encode("utf-8").hex()), 1]


def sql(root, base):
    """SQL metacharacters in every kind of name a bundle has: each is kept
    as written (the store holds it), and nothing else changes."""
    q = _cp(SQL)
    c = Case(root, "sql", "user-name", "pwilson renamed %r in every file" % SQL)
    _replace_everywhere(c.copy_po(base), b"pwilson", b"pw" + q)
    c.step(MIGRATE, 0).set(hostile=None, renamed={"pwilson": "pwx"},
                           store_has=[_kept("recipients", "display_name", "pw" + SQL)]).write()
    for what, header, where in (("subject", b"Subject: ", ("messages", "subject")),
                                ("folder", b"Folder: ", ("folders", "path"))):
        c = Case(root, "sql", what, "a %s of %r" % (what, SQL))
        po = c.copy_po(base)
        path = po + "/" + HOSTILE_FILE
        data = read(path)
        m = expfile.parse(data)[0]
        line = [h for h in m.headers if h.text.startswith(header)][0]
        write(path, expfile.splice(data, m, line.at, line.at + len(line.text), header + q))
        c.step(MIGRATE, 0).set(hostile=None, export=True, store_has=[_kept(*where, SQL)]).write()
    _attachment_case(root, base, "attachment", SQL, "sql").set(
        hostile=None, store_has=[_kept("attachments", "name", SQL)]).write()
    for what, old, new, where, text in (
            ("post-office", b"SALESPO", b"SALES" + q, ("addresses", "address"), "SALES" + SQL),
            ("list-name", b"List: ", b"List: " + q, ("recipients", "display_name"), SQL),
            ("board-name", b"Bulletin board: Social", b"Bulletin board: So" + q,
             ("folders", "path"), "So" + SQL),
            ("comments-alias", b"Comments: pwilson;", b"Comments: p'w%_*;",
             ("recipients", "alias"), "pw_"),
            ("display-name", b"Hill, Steve", b"Hill, St" + q, ("recipients", "display_name"),
             "St" + SQL),
            ("pab-entry", b"Dad", b"D" + q, ("pab_entries", "display_name"), "D" + SQL),
            ("remote-po", b"HQPO", b"HQ" + q, ("messages", "sender_name"), "HQ" + SQL)):
        c = Case(root, "sql", what, "%s holding %r" % (what, SQL))
        _replace_everywhere(c.copy_po(base), old, new)
        if what == "list-name":      # lists reach the store through dirsync
            c.step(["dirsync", "{po}", "--store", "{out}/s.db"], 0)
        c.step(MIGRATE, 0).set(hostile=None, export=True, store_has=[_kept(*where, text)],
                               renamed={"pwilson": "pw_"} if what == "comments-alias" else {})
        c.write()


def _recounted(data, old, new):
    """Every `old` in the headers of every message replaced, counts kept right."""
    while True:
        hit = [(m, h) for m in expfile.parse(data) for h in m.headers if old in h.text]
        if not hit:
            return data
        m, h = hit[0]
        data = expfile.splice(data, m, h.at, h.at + len(h.text), h.text.replace(old, new))

