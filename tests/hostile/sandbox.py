# sandbox.py: did a command write anywhere it should not have?
#
# A snapshot records every file and folder under some trees (path, kind,
# size, modification time, and a digest of small files) and the entries
# of /tmp that look like ccmig's; two snapshots compare to the list of
# what was made, changed or removed.
import hashlib
import os
import stat


def _entry(path, st):
    if stat.S_ISLNK(st.st_mode):
        return ("l", os.readlink(path))
    if stat.S_ISDIR(st.st_mode):
        return ("d",)
    if not stat.S_ISREG(st.st_mode):
        return ("special", st.st_mode)
    digest = None
    if st.st_size <= 1 << 20:
        with open(path, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
    return ("f", st.st_size, st.st_mtime_ns, digest)


def snapshot(trees, skip=(), flat=(), tmp_prefixes=("ccmig-hostile", "ccmig-spool", "ccmig-fwd")):
    """{path: entry} for everything under `trees` but the `skip` trees, the
    names in the folders `flat` (not below them), and the entries of /tmp
    named like ccmig's."""
    out = {}
    for top in flat:
        for name in os.listdir(top):
            out[os.path.join(os.path.abspath(top), name, "")] = ("name",)
    skip = tuple(os.path.abspath(s) for s in skip)
    for top in trees:
        top = os.path.abspath(top)
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames[:] = [d for d in dirnames
                           if os.path.join(dirpath, d) not in skip]
            for name in dirnames + filenames:
                p = os.path.join(dirpath, name)
                if p in skip:
                    continue
                try:
                    out[p] = _entry(p, os.lstat(p))
                except OSError:
                    out[p] = ("gone",)
    for name in os.listdir("/tmp"):
        if name.startswith(tmp_prefixes):
            p = os.path.join("/tmp", name)
            try:
                out[p] = ("tmp", os.lstat(p).st_mtime_ns)
            except OSError:
                pass
    return out


def differences(before, after):
    """What changed between two snapshots, as readable lines."""
    diff = []
    for p in sorted(set(before) | set(after)):
        if p not in before:
            diff.append("made " + p)
        elif p not in after:
            diff.append("removed " + p)
        elif before[p] != after[p]:
            diff.append("changed " + p)
    return diff


def files_under(top):
    """Every path under `top`, relative to it."""
    out = set()
    for dirpath, dirnames, filenames in os.walk(top):
        for name in dirnames + filenames:
            out.add(os.path.relpath(os.path.join(dirpath, name), top))
    return out
