#!/usr/bin/env python3
"""outparams.py: out-parameters come first in every function a header of
core/ or bindings/ declares (docs/design.md, Conventions).

An out-parameter is one named `out` (or out_<what>), or a pointer to a
pointer the function hands back (`struct x **`, not const, not argv).
`outsz` and its kind may follow the out-parameter they size. The check
fails on each declaration where an out-parameter comes after another
parameter.

Usage: outparams.py [ROOT]
"""
import glob
import os
import re
import sys

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                       os.path.join(os.path.dirname(__file__), "..", ".."))
DECL = re.compile(r"^[a-z][^;{}()#]*?\b(ccm_\w+)\s*\(([^;{}()]*?)\)\s*"
                  r"(__attribute__\(\(.*?\)\))?\s*;", re.M | re.S)
SIZE = ("outsz", "outlen", "out_len", "out_size")


def pname(p):
    m = re.findall(r"(\w+)\s*(\[.*\])?$", p)
    return m[0][0] if m else ""


def is_out(p):
    name = pname(p)
    if name == "err" or name in SIZE or name == "out_dir":
        return False
    if re.match(r"out\w*$", name):
        return True
    return "**" in p and not p.startswith("const") and "char **" not in p


def main():
    problems, seen = [], 0
    for h in sorted(glob.glob(os.path.join(ROOT, "core", "*", "*.h")) +
                    glob.glob(os.path.join(ROOT, "bindings", "*", "*.h"))):
        text = open(h, encoding="utf-8").read()
        text = re.sub(r"/\*.*?\*/", lambda m: " " * len(m.group(0)), text,
                      flags=re.S)
        for m in DECL.finditer(text):
            params = [" ".join(p.split()) for p in m.group(2).split(",")]
            seen += 1
            outs = [i for i, p in enumerate(params) if is_out(p)]
            firsts = set()
            for i in range(len(params)):
                if i in outs or pname(params[i]) in SIZE:
                    firsts.add(i)
                else:
                    break
            late = [params[i] for i in outs if i not in firsts]
            if late:
                line = text.count("\n", 0, m.start()) + 1
                problems.append(f"{os.path.relpath(h, ROOT)}:{line}: "
                                f"{m.group(1)}: out-parameter "
                                f"'{late[0]}' must come first")
    for p in problems:
        print(p)
    print(f"outparams: {seen} declarations, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
