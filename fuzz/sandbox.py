"""The fuzzer's sandbox: what a case may touch, and proof of what it touched.

Every hostile case runs in a fresh folder (the case root) holding the user's files beside
and inside the output folder. The tree is snapshotted before and after the run (type,
content hash, mtime and mode of files, symlink targets, FIFOs), never following a
symlink or opening a special file, and the difference is judged: nothing outside the
output folder may be created, changed or deleted; inside it, a user's entry (one mcugen
did not leave there earlier) may not be deleted, nor changed without --force.
"""
from __future__ import annotations

import hashlib
import os
import resource
import stat
from dataclasses import dataclass, field
from pathlib import Path

HASHED_BYTES = 1 << 20  # larger files (the sparse ones) are compared by size and mtime
NOBODY = 65534


@dataclass
class Setting:
    """One hostile case: its argv, run in the case root, and what it may touch."""

    argv: list[str]
    allowed: bytes | None  # root-relative folder mcugen may write in (b"" = the root; None: nowhere)
    force: bool = False
    mcugen_entries: dict = field(default_factory=dict)  # root-relative path -> entry as mcugen left it
    prefix: str | None = None  # on success, <allowed>/<prefix>.h is a regular file (and may be built)
    build: bool = False  # build a success with the host compiler (-Werror)
    as_nobody: bool = False  # run as an unprivileged user (so read-only folders are read-only)
    subprocess: bool = True  # may also run through the real CLI
    concurrent: bool = False  # the argvs run at the same time (real CLIs), not one after the other
    kill_first: float | None = None  # the first argv runs as a real CLI killed after this many seconds


def entry(path: bytes) -> tuple:
    """What a path is, without following it: ('file', hash, size, mtime_ns, mode) ..."""
    st = os.lstat(path)
    mode = stat.S_IMODE(st.st_mode)
    if stat.S_ISLNK(st.st_mode):
        return ("link", os.readlink(path))
    if stat.S_ISREG(st.st_mode):
        digest = ""
        if st.st_size <= HASHED_BYTES:
            with open(path, "rb", opener=lambda p, f: os.open(p, f | os.O_NOFOLLOW | os.O_NONBLOCK)) as f:
                digest = hashlib.sha1(f.read()).hexdigest()
        return ("file", digest, st.st_size, st.st_mtime_ns, mode)
    if stat.S_ISDIR(st.st_mode):
        return ("dir", mode)
    if stat.S_ISFIFO(st.st_mode):
        return ("fifo", mode)
    return ("special", st.st_mode)


def snapshot(root: Path) -> dict[bytes, tuple]:
    """Every entry under root (root-relative bytes paths), symlinks not followed."""
    top = os.fsencode(root)
    entries = {}
    for dirpath, dirnames, filenames in os.walk(top):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            try:
                entries[os.path.relpath(path, top)] = entry(path)
            except OSError as exc:  # vanished or unreadable: say so
                entries[os.path.relpath(path, top)] = ("unreadable", exc.errno)
    return entries


def _describe(e) -> str:
    if e is None:
        return "absent"
    if e[0] == "file":
        return f"file of {e[2]} bytes (sha1 {e[1][:8]}, mtime {e[3]}, mode {e[4]:o})"
    if e[0] == "link":
        return f"symlink to {e[1]!r}"
    return " ".join(str(v) for v in e)


def _under(path: bytes, folder: bytes) -> bool:
    return folder == b"" or path == folder or path.startswith(folder + b"/")


def _same_content(a, b) -> bool:
    """Entries of equal content: mcugen's file with its mtime or mode changed is still its file."""
    return a == b or (a is not None and b is not None and a[0] == b[0] == "file" and a[1:3] == b[1:3])


def judge(before: dict, after: dict, setting: Setting) -> list[str]:
    """The case's violations of the sandbox rules (empty: none)."""
    problems = []
    allowed = setting.allowed
    for path in sorted(set(before) | set(after)):
        was, now = before.get(path), after.get(path)
        if was == now:
            continue
        if allowed is None or not _under(path, allowed) or path == allowed:
            if was is None and now[0] == "dir" and allowed is not None and _under(allowed, path):
                continue  # the output folder, or a parent of it, created
            problems.append(f"outside the output folder: {path!r} was {_describe(was)}, now {_describe(now)}")
        elif was is not None and not _same_content(was, setting.mcugen_entries.get(path)):
            if now is None:
                problems.append(f"user's {path!r} deleted (was {_describe(was)})"
                                + (" (with --force)" if setting.force else ""))
            elif not setting.force:
                problems.append(f"user's {path!r} changed without --force: was {_describe(was)}, "
                                f"now {_describe(now)}")
    return problems


def judge_success(root: Path, setting: Setting) -> list[str]:
    """After exit 0: the header mcugen reported is a regular file in the output folder."""
    if setting.prefix is None or setting.allowed is None:
        return []
    header = os.path.join(os.fsencode(root), setting.allowed, os.fsencode(setting.prefix + ".h"))
    try:
        kind = entry(header)[0]
    except OSError as exc:
        return [f"exit 0 but {header!r} cannot be read ({exc.strerror})"]
    if kind != "file":
        return [f"exit 0 but {header!r} is a {kind}, not a regular file"]
    return manifest_problems(os.path.join(os.fsencode(root), setting.allowed))


def manifest_problems(folder: bytes) -> list[str]:
    """The folder's manifest (`<sha256>  <name>` lines) names regular files with those hashes."""
    path = os.path.join(folder, b".mcugen")
    if entry(path)[0] != "file":
        return [f"exit 0 but {path!r} is not a regular file"]
    problems = []
    with open(path, "rb") as f:
        lines = f.read().splitlines()
    for line in lines:
        digest, sep, name = line.partition(b"  ")
        if not sep or len(digest) != 64:
            return []  # not the hashed format: nothing to hold it to
        target = os.path.join(folder, name)
        try:
            e = entry(target)
        except OSError:
            problems.append(f"the manifest lists {name!r}, which is missing")
            continue
        if e[0] != "file":
            problems.append(f"the manifest lists {name!r}, which is a {e[0]}")
        elif e[1]:
            with open(target, "rb") as f:
                if hashlib.sha256(f.read()).hexdigest().encode() != digest:
                    problems.append(f"the manifest's hash of {name!r} is not its content's")
    return problems


def as_nobody(memory_bytes: int) -> None:
    """In a forked child: limit memory, then become the unprivileged user."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)


def open_up(root: Path) -> None:
    """Let the unprivileged user reach the case root (its parents are root's 0700 temp dirs)."""
    for folder in [root, *root.parents]:
        if str(folder) in ("/", "/tmp"):
            break
        os.chmod(folder, os.stat(folder).st_mode | 0o755)
        if folder.name.startswith("mcugen-fuzz-"):
            break


def remove_tree(root: Path) -> None:
    """rm -rf that also clears folders a case made read-only or unreadable."""
    if not os.path.lexists(root):
        return
    top = os.fsencode(root)
    for dirpath, dirnames, _ in os.walk(top):
        for name in dirnames:
            path = os.path.join(dirpath, name)
            if not os.path.islink(path):
                os.chmod(path, 0o755)
    os.chmod(top, 0o755)
    import shutil
    shutil.rmtree(top)


def run_setting(setting: Setting, root: Path, run, timeout: float, parallel=None, killed=None) -> tuple[str, str]:
    """Run the setting's argvs in root with run(argv, cwd, as_nobody, timeout) -> (outcome,
    detail), stopping at the first that is not a success or a clean error (or all at once
    with parallel(argvs, cwd, timeout) -> [(outcome, detail)]); then judge the tree.
    Returns ('violation', what) when the run broke a sandbox rule."""
    before = snapshot(root)
    outcome, detail = "success", ""
    if setting.concurrent:
        results = parallel(setting.argv, root, timeout)
        bad = [r for r in results if r[0] not in ("success", "clean error")]
        outcome, detail = bad[0] if bad else max(results, key=lambda r: r[0] == "success")
    argvs = [] if setting.concurrent else setting.argv
    if setting.kill_first is not None:
        killed(argvs[0], root, setting.kill_first)
        argvs = argvs[1:]
    for argv in argvs:
        outcome, detail = run(argv, root, setting.as_nobody, timeout)
        if outcome not in ("success", "clean error"):
            break
    problems = judge(before, snapshot(root), setting)
    if outcome == "success":
        problems += judge_success(root, setting)
    if outcome == "success" and setting.concurrent:
        folder = os.path.join(os.fsencode(root), setting.allowed)
        listed = manifest_problems(folder)
        problems += listed or unlisted_files(folder)
    if problems:
        return "violation", f"{outcome} ({detail.strip()[-300:]}), but " + "; ".join(problems[:6])
    return outcome, detail


def unlisted_files(folder: bytes) -> list[str]:
    """Files in a folder mcugen made from nothing that its manifest does not list."""
    with open(os.path.join(folder, b".mcugen"), "rb") as f:
        listed = {_listed_name(line) for line in f.read().splitlines()}
    found = {os.path.relpath(os.path.join(d, n), folder) for d, _, names in os.walk(folder) for n in names}
    return [f"{name!r} is in the folder but not in its manifest" for name in sorted(found - listed - {b".mcugen"})]


def _listed_name(line: bytes) -> bytes:
    digest, sep, name = line.partition(b"  ")
    return name if sep and len(digest) == 64 else line  # `<sha256>  name`, or the older bare name
