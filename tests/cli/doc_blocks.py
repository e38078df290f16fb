"""doc_blocks.py: the code blocks of a Markdown file, for the tests that run
the documentation's examples (docs_examples.py, site_policies.py).

A block is a fenced ``` block whose info string starts with `lua`; its
second word says how it runs:
  ```lua          a script, run by `ccmig run` with the file's other
                  scripts, in order, in one Lua state;
  ```lua policy   a policy file, given to `ccmig migrate --policy`;
  ```lua repl     lines typed at `ccmig repl` (not run by docs_examples).
Imported by the scripts next to it.
"""
import re

FENCE = re.compile(r"^(\s*)```\s*(\S*)\s*(.*)$")


class Block:
    def __init__(self, path, line, lang, how, heading, code):
        self.path, self.line, self.lang = path, line, lang
        self.how, self.heading, self.code = how, heading, code

    def where(self):
        return "%s:%d" % (self.path, self.line)


def blocks(path, display=None):
    """Every fenced block of the file, in order; `line` is the 1-based line
    of the block's first line of code. Heading: the last #-heading above."""
    out, heading, open_at = [], "", None
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for n, text in enumerate(lines, 1):
        m = FENCE.match(text)
        if open_at is None:
            if text.startswith("#"):
                heading = text.lstrip("#").strip()
            if m:
                open_at, lang, how, code = n, m.group(2), m.group(3).strip(), []
            continue
        if m and not m.group(2):
            out.append(Block(display or path, open_at + 1, lang, how, heading,
                             "\n".join(code)))
            open_at = None
        else:
            code.append(text)
    if open_at is not None:
        raise ValueError("%s:%d: a code block is never closed" % (path, open_at))
    return out


def lua_blocks(path, how, display=None):
    """The ```lua blocks of the file that run as `how` ("" for scripts)."""
    return [b for b in blocks(path, display) if b.lang == "lua" and b.how == how]


def by_heading(path, how, display=None):
    """{heading: [code, ...]} of the file's ```lua `how` blocks."""
    out = {}
    for b in lua_blocks(path, how, display):
        out.setdefault(b.heading, []).append(b)
    return out
