"""machine.py: what a benchmark ran on: processor, memory, disk (with its
measured write and cached read rates), system, software and git commit."""

import datetime
import os
import platform
import subprocess
import time


def _first(path, key):
    try:
        with open(path) as f:
            for line in f:
                k, _, v = line.partition(":")
                if k.strip() == key:
                    return v.strip()
    except OSError:
        pass
    return None


def _out(argv, cwd=None):
    try:
        return subprocess.run(argv, capture_output=True, text=True,
                              cwd=cwd, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def _os_name():
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return platform.system()


def _disk(path):
    """The device and file system holding path, with its size and, when
    sysfs says, whether it spins and its model."""
    src = _out(["findmnt", "-no", "SOURCE,FSTYPE", "-T", path]) or "? ?"
    device, _, fstype = src.partition(" ")
    st = os.statvfs(path)
    disk = {"device": device, "fs": fstype.strip(),
            "size_gb": round(st.f_blocks * st.f_frsize / 1e9, 1),
            "free_gb": round(st.f_bavail * st.f_frsize / 1e9, 1)}
    base = os.path.basename(device)
    for attr, key in (("queue/rotational", "rotational"),
                      ("device/model", "model")):
        try:
            with open("/sys/block/%s/%s" % (base, attr)) as f:
                disk[key] = f.read().strip()
        except OSError:
            pass
    return disk


def disk_probe(folder, mib):
    """Writes `mib` MiB to a file in folder and waits for the disk
    (fdatasync), then reads it back (from the page cache, as the stages
    read their input). Returns MB/s of each; the file is removed."""
    path = os.path.join(folder, "disk-probe")
    block = os.urandom(1 << 20)
    os.sync()
    start = time.perf_counter()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        for _ in range(mib):
            os.write(fd, block)
        os.fdatasync(fd)
    finally:
        os.close(fd)
    write = time.perf_counter() - start
    start = time.perf_counter()
    with open(path, "rb", buffering=0) as f:
        while f.read(1 << 20):
            pass
    read = time.perf_counter() - start
    os.remove(path)
    size = mib * (1 << 20) / 1e6
    return {"probe_mib": mib, "write_mb_s": round(size / write),
            "cached_read_mb_s": round(size / read)}


def _load():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def describe(repo, work, ccmig):
    """A dict of what the machine is and what runs on it."""
    mem_kib = int((_first("/proc/meminfo", "MemTotal") or "0 kB").split()[0])
    commit = _out(["git", "rev-parse", "--short=12", "HEAD"], cwd=repo)
    dirty = _out(["git", "status", "--porcelain", "--untracked-files=no"],
                 cwd=repo)
    return {
        "date": datetime.datetime.now(datetime.timezone.utc)
                .strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": _first("/proc/cpuinfo", "model name") or platform.machine(),
        "cores": len(os.sched_getaffinity(0)),
        "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "disk": _disk(work),
        "os": _os_name(),
        "kernel": platform.release(),
        "load_at_start": _load(),
        "commit": (commit or "unknown") + ("+changes" if dirty else ""),
        "ccmig": _out([ccmig, "version"]),
        "cc": (_out(["cc", "--version"]) or "").split("\n")[0],
        "sqlite": _out(["pkg-config", "--modversion", "sqlite3"]),
        "python": platform.python_version(),
        "mb2md": _out(["dpkg-query", "-W", "-f=${Version}", "mb2md"]),
    }


def load_now():
    """The one-minute load average: other work on the machine shows here."""
    return _load()
