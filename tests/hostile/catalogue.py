# catalogue.py: what a hostile-input case is, and how one is written.
#
# A case is a folder: input/ (a post office bundle, a migration file set,
# a policy), case.json (the commands to run and what each must give), and
# later out/, the only place the commands may write. Every case starts
# from the same intact base and makes ONE user's data (pwilson's) or one
# thing hostile, so that what happens to everyone else shows whether the
# rest of the run survived.
import json
import os
import shutil

# The base post office: small, every item kind, three users with mail.
GEN = ["--users", "5", "--messages", "5", "--seed", "5", "--max-attachment", "8K",
       "--attachment-share", "0.3"]
HOSTILE_USER = "pwilson"
HOSTILE_FILE = "mail/pwilson-0003.exp"
HOSTILE_ADDRESS = "CCMAIL:pwilson at SALESPO"
CODE_PAGE = "cp850"               # of the bundle gen writes
SET_CODE_PAGE = "cp1252"          # of the set extract writes
# What every migrate of a case runs: keep-files shows what extract wrote.
MIGRATE = ["migrate", "{po}", "--store", "{out}/s.db", "--keep-files", "{out}/set",
           "--keep-r8-folders"]
# A set is imported in the zone the post office wrote its dates in, as
# migrate does, so that `ccmig verify` compares like with like.
ZONE = ["--time-zone", "America/New_York"]
IMPORT = ["import", "{pkl}", "--store", "{out}/s.db"] + ZONE
# Running again on what was left, the cause removed: the intact post
# office, or the intact set, into the same store.
RERUN_PO = ["migrate", "{base}/po", "--store", "{out}/s.db", "--keep-r8-folders"]
RERUN_CASE_PO = ["migrate", "{po}", "--store", "{out}/s.db", "--keep-r8-folders"]
RERUN_SET = ["import", "{base}/set/SALESPO.pkl", "--store", "{out}/s.db"] + ZONE


def file_re(name):
    """A report line about file `name` with its byte offset, as a regex."""
    return r"(?m)^\s*" + name.replace(".", r"\.") + r"(:\d+)? \(byte \d+\): "


class Case:
    def __init__(self, root, group, name, what):
        self.dir = os.path.join(root, "cases", group + "-" + name)
        self.spec = {"name": group + "-" + name, "group": group, "what": what,
                     "steps": [], "check": "verify", "hostile": HOSTILE_USER,
                     "hostile_file": HOSTILE_FILE, "export": False, "names": None,
                     "canary": None, "rerun": []}
        os.makedirs(os.path.join(self.dir, "input"))

    def path(self, *parts):
        return os.path.join(self.dir, "input", *parts)

    def copy_po(self, base):
        shutil.copytree(os.path.join(base, "po"), self.path("po"))
        return self.path("po")

    def copy_set(self, base):
        shutil.copytree(os.path.join(base, "set"), self.path("set"))
        return self.path("set")

    def step(self, args, status, expect=(), timeout=None, env=None):
        self.spec["steps"].append({"args": list(args), "status": status,
                                   "expect": list(expect), "timeout": timeout,
                                   "env": env or {}})
        return self

    def rerun(self, args, po="{base}/po", env=None):
        """After the case's own checks: `args` run again into the same
        store once the cause is gone must exit 0, and `ccmig verify` of
        `po` must then find everything (a failed run leaves a store that
        a second run finishes)."""
        self.spec["rerun"].append({"args": list(args), "po": po, "env": env or {}})
        return self

    def set(self, **kw):
        self.spec.update(kw)
        return self

    def write(self):
        with open(os.path.join(self.dir, "case.json"), "w") as f:
            json.dump(self.spec, f, indent=1)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)
