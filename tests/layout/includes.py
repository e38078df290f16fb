#!/usr/bin/env python3
"""includes.py: every #include "..." of core/ and bindings/ keeps the rules
that docs/design.md states, so the document cannot drift from the code.

The rules are read from docs/design.md itself: the table under the heading
"Who may include whom" (a folder, then the folders it may include) and the
list under "Exceptions" that follows it (`file`: `header`, and why). The
test fails when

  - a file includes a header from a folder its own folder may not include,
    and no exception names that file and header;
  - an exception names an include that no longer exists (stale: remove it);
  - a quoted include names no file of the tree;
  - headers include each other in a circle.

Usage: includes.py [ROOT]   (the project's top folder; default: ../..)
"""
import os
import re
import sys

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                       os.path.join(os.path.dirname(__file__), "..", ".."))
DESIGN = os.path.join(ROOT, "docs", "design.md")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def read_rules():
    """Returns ({folder: set(folders it may include)}, {(file, header): why})."""
    text = open(DESIGN, encoding="utf-8").read()
    m = re.search(r"^#+ Who may include whom\s*$(.*?)(?=^#+ )", text, re.M | re.S)
    if not m:
        sys.exit(f"{DESIGN}: no 'Who may include whom' section")
    section = m.group(1)
    rules, exceptions = {}, {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[0].startswith("`") and "---" not in line:
            folder = cells[0].strip("`/")
            allowed = set(re.findall(r"`([^`]+?)/?`", cells[1]))
            rules[folder] = allowed
        em = re.match(r"\s*[-*]\s+`([^`]+)`\s*:\s*`([^`]+)`", line)
        if em:
            exceptions[(em.group(1), em.group(2))] = line.strip()
    if not rules:
        sys.exit(f"{DESIGN}: the 'Who may include whom' table has no rows")
    return rules, exceptions


def folder_of(path, rules):
    """The longest folder of the rules that holds path ('core/store/x.c')."""
    best = None
    for f in rules:
        if path.startswith(f + "/") and (best is None or len(f) > len(best)):
            best = f
    return best


def sources():
    for top in ("core", "bindings"):
        for dirpath, _, files in os.walk(os.path.join(ROOT, top)):
            for name in sorted(files):
                if name.endswith((".c", ".h")):
                    full = os.path.join(dirpath, name)
                    yield os.path.relpath(full, ROOT), full


def resolve(rel, header):
    """The tree path a quoted include names: beside the file, else under
    core/ or bindings/ (the include paths of the targets), else None."""
    here = os.path.join(os.path.dirname(rel), header)
    if os.path.exists(os.path.join(ROOT, here)):
        return os.path.normpath(here)
    for top in ("core", "bindings"):
        under = os.path.join(top, header)
        if os.path.exists(os.path.join(ROOT, under)):
            return under
    return None


def main():
    rules, exceptions = read_rules()
    used_exceptions = set()
    problems = []
    graph = {}
    for rel, full in sources():
        own = folder_of(rel, rules)
        if own is None:
            problems.append(f"{rel}: its folder is not in the table of "
                            "docs/design.md; add a row for it")
            continue
        text = open(full, encoding="utf-8", errors="replace").read()
        for m in INCLUDE.finditer(text):
            header = m.group(1)
            line = text.count("\n", 0, m.start()) + 1
            target = resolve(rel, header)
            if target is None:
                problems.append(f"{rel}:{line}: includes \"{header}\", "
                                "which names no file of the tree")
                continue
            graph.setdefault(rel, set()).add(target)
            theirs = folder_of(target, rules)
            short = theirs.split("/")[-1] if theirs else None
            if theirs is None or theirs == own or short in rules[own] \
                    or theirs in rules[own] or "*" in rules[own]:
                continue
            if (rel, header) in exceptions:
                used_exceptions.add((rel, header))
                continue
            problems.append(f"{rel}:{line}: includes \"{header}\", but "
                            f"{own}/ may include only "
                            f"{', '.join(sorted(rules[own]))} "
                            "(docs/design.md, 'Who may include whom')")
    for key in sorted(set(exceptions) - used_exceptions):
        problems.append(f"docs/design.md: the exception {key[0]}: {key[1]} "
                        "no longer applies; remove it")
    problems.extend(cycles(graph))
    for p in problems:
        print(p)
    print(f"includes: {len(list(sources()))} files, {len(rules)} folders, "
          f"{len(exceptions)} exceptions, {len(problems)} problems")
    return 1 if problems else 0


def cycles(graph):
    """Circles among headers (a .c file cannot be in one)."""
    found, state = [], {}

    def visit(node, path):
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                circle = path[path.index(nxt):] + [nxt]
                found.append("headers include each other in a circle: " +
                             " -> ".join(circle))
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


if __name__ == "__main__":
    sys.exit(main())
