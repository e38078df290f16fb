"""corpus.py: the post offices of a benchmark, generated with `ccmig gen`
once and reused while the same options and the same generator make them."""

import hashlib
import json
import os
import re
import shutil
import subprocess

SUMMARY = re.compile(r"(\d+) users, (\d+) mailboxes, (\d+) messages, "
                     r"(\d+) attachments, (\d+) bytes")


def generator_id(repo):
    """A hash of the generator's sources: the same options give the same
    bytes only from the same generator, so a change to it means the post
    offices are made again."""
    h = hashlib.sha256()
    gen = os.path.join(repo, "core", "gen")
    for name in sorted(os.listdir(gen)):
        h.update(name.encode())
        with open(os.path.join(gen, name), "rb") as f:
            h.update(f.read())
    return h.hexdigest()[:16]


def files_of(path):
    """Every file under path, sorted, as paths."""
    out = []
    for root, dirs, files in os.walk(path):
        dirs.sort()
        out.extend(os.path.join(root, f) for f in sorted(files))
    return out


def tree_bytes(path):
    """Total size in bytes of the files under path."""
    return sum(os.path.getsize(f) for f in files_of(path))


def time_zone(po_dir):
    """The post office's zone from its po.txt (America/New_York when the
    manifest names none, as ccmig gen's default)."""
    with open(os.path.join(po_dir, "po.txt"), encoding="latin-1") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key.strip().lower() == "time zone":
                return value.split(";")[0].strip()
    return "America/New_York"


def ensure(ccmig, repo, root, name, options, seed, log):
    """Makes the post office `name` under root/ with `ccmig gen` and the
    given options (a list of arguments) and seed, unless root/name already
    holds one made with the same options, seed and generator (recorded in
    root/name.json beside it). Returns a dict: name, path, options, seed,
    users, mailboxes, messages, attachments, bytes, files (paths)."""
    path = os.path.join(root, name)
    stamp_path = path + ".json"
    want = {"options": options, "seed": seed, "generator": generator_id(repo)}
    stamp = None
    if os.path.exists(os.path.join(path, "po.txt")):
        try:
            with open(stamp_path) as f:
                stamp = json.load(f)
        except (OSError, ValueError):
            stamp = None
    if not stamp or stamp.get("made_by") != want:
        shutil.rmtree(path, ignore_errors=True)
        argv = [ccmig, "gen", path, "--seed", str(seed)] + options
        with open(log, "ab") as out:
            out.write(("$ " + " ".join(argv) + "\n").encode())
        text = subprocess.run(argv, check=True, capture_output=True,
                              text=True).stdout
        m = SUMMARY.search(text)
        if not m:
            raise RuntimeError("cannot read ccmig gen's summary: %r" % text)
        stamp = {"made_by": want}
        for key, value in zip(("users", "mailboxes", "messages",
                               "attachments", "bytes"), m.groups()):
            stamp[key] = int(value)
        with open(stamp_path, "w") as f:
            json.dump(stamp, f, indent=1)
    po = {"name": name, "path": path, "options": options, "seed": seed}
    po.update({k: v for k, v in stamp.items() if k != "made_by"})
    po["files"] = files_of(path)
    po["bytes"] = sum(os.path.getsize(f) for f in po["files"])
    po["time_zone"] = time_zone(path)
    return po
